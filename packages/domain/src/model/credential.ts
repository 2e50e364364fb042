/**
 * @module model/credential
 * A venue credential as stored: the secrets only as ciphertext, the API key only masked in clear.
 */
import type { CredentialStatus } from '@cadenza/contract';

export interface Credential {
  credentialId: string;
  userId: string;
  tradingAccountId?: string;
  venue: string;
  credentialType: string;
  nickname?: string;
  status: CredentialStatus;
  /** e.g. "abcd…wxyz"; the only form of the key ever returned. */
  apiKeyMasked: string;
  /** Cipher output of the JSON `{apiKey, secretKey, secretPassphrase?}`. */
  secretCiphertext: Uint8Array;
  createdAt: number;
  updatedAt: number;
  revokedAt?: number;
}

/** The decrypted secret material; lives only for the duration of a venue call and is never logged. */
export interface CredentialSecrets {
  apiKey: string;
  secretKey: string;
  secretPassphrase?: string;
}
