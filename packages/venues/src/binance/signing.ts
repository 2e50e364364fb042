/**
 * @module binance/signing
 * SIGNED request security (spot REST and WebSocket API "Request security"): HMAC-SHA256 keys sign the payload
 * to lowercase hex; Ed25519 (recommended by Binance) and RSA keys sign it to base64, which must be URL-encoded
 * in a query string. The secret never leaves this module's closures and is never logged.
 *
 * Ed25519/RSA credentials carry the PKCS#8 private key in `secretKey` (PEM, or its base64 body).
 */
import { createHmac, createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { VenueCredential } from '@cadenza/domain';
import { BinanceVenueError } from './errors.ts';
import { queryString } from '../kit/http.ts';

export type SignatureScheme = 'HMAC_SHA256' | 'ED25519' | 'RSA';

export interface RequestSigner {
  readonly apiKey: string;
  readonly scheme: SignatureScheme;
  /** Signature of `payload` in the scheme's text form (hex for HMAC, base64 otherwise). */
  sign(payload: string): string;
}

function loadPrivateKey(secret: string): KeyObject {
  try {
    if (secret.includes('-----BEGIN')) return createPrivateKey(secret);
    return createPrivateKey({ key: Buffer.from(secret.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw new BinanceVenueError('unsupported', 'the secret key is not a PKCS#8 private key', { cause });
  }
}

/** Builds the signer for a credential: HMAC unless the type says ED25519/RSA or the secret is a private key. */
export function createSigner(credential: VenueCredential): RequestSigner {
  const type = credential.credentialType.toUpperCase();
  const looksLikeKey = credential.secretKey.includes('PRIVATE KEY');
  if (type === 'ED25519' || type === 'RSA' || looksLikeKey) {
    const key = loadPrivateKey(credential.secretKey);
    const kind = key.asymmetricKeyType;
    if (kind === 'ed25519') {
      return { apiKey: credential.apiKey, scheme: 'ED25519', sign: (payload) => cryptoSign(null, Buffer.from(payload, 'ascii'), key).toString('base64') };
    }
    if (kind === 'rsa') {
      return { apiKey: credential.apiKey, scheme: 'RSA', sign: (payload) => cryptoSign('sha256', Buffer.from(payload, 'ascii'), key).toString('base64') };
    }
    throw new BinanceVenueError('unsupported', `unsupported private key type ${String(kind)}`);
  }
  const secret = credential.secretKey;
  return { apiKey: credential.apiKey, scheme: 'HMAC_SHA256', sign: (payload) => createHmac('sha256', secret).update(payload).digest('hex') };
}

/** REST: the query string plus `&signature=…` (URL-encoded, as base64 may contain `+/=`). */
export function signedQuery(params: ReadonlyArray<readonly [string, string]>, signer: RequestSigner): string {
  const query = queryString(params);
  return `${query}&signature=${encodeURIComponent(signer.sign(query))}`;
}

/** WebSocket API: the signature payload is every parameter but `signature`, sorted by name. */
export function wsApiSignaturePayload(params: Readonly<Record<string, string | number>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
}
