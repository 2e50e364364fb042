/**
 * @module credentials/credential-vault
 * Encrypts credential secrets for the store and decrypts them only to hand them to a venue call.
 * Decrypted secrets are never logged, cached or returned.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { VenueAccount, VenueCredential } from '../model/venue-order.ts';
import type { Credential, CredentialSecrets } from '../model/credential.ts';
import type { CredentialRegistry } from './credential-registry.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export class CredentialVault {
  constructor(
    private readonly ctx: DomainContext,
    private readonly credentials: CredentialRegistry,
  ) {}

  seal(secrets: CredentialSecrets): Uint8Array {
    return this.ctx.cipher.encrypt(enc.encode(JSON.stringify(secrets)));
  }

  open(c: Credential): CredentialSecrets {
    return JSON.parse(dec.decode(this.ctx.cipher.decrypt(c.secretCiphertext))) as CredentialSecrets;
  }

  venueCredential(c: Credential): VenueCredential {
    const s = this.open(c);
    const out: VenueCredential = { credentialType: c.credentialType, apiKey: s.apiKey, secretKey: s.secretKey };
    if (s.secretPassphrase !== undefined) out.secretPassphrase = s.secretPassphrase;
    return out;
  }

  /** The newest usable (not revoked or expired) credential attached to the account. */
  usableCredential(a: TradingAccount): Credential | undefined {
    for (let i = a.credentialIds.length - 1; i >= 0; i--) {
      const c = this.credentials.find(a.credentialIds[i]!);
      if (c && c.status !== 'REVOKED' && c.status !== 'EXPIRED') return c;
    }
    return undefined;
  }

  /**
   * What a venue needs to act for the account: for venues that require a credential, the newest usable one
   * decrypted (CREDENTIAL_REQUIRED when none).
   */
  venueAccount(a: TradingAccount, requiresCredential: boolean): VenueAccount {
    const out: VenueAccount = { tradingAccountId: a.tradingAccountId };
    if (a.externalAccountId !== undefined) out.externalAccountId = a.externalAccountId;
    if (!requiresCredential) return out;
    const c = this.usableCredential(a);
    if (!c) throw new DomainError('CREDENTIAL_REQUIRED', `trading account ${a.tradingAccountId} has no usable credential`);
    out.credential = this.venueCredential(c);
    return out;
  }
}
