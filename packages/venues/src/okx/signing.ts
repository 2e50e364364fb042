/**
 * @module okx/signing
 * OKX v5 request security: `OK-ACCESS-SIGN` is the Base64 of HMAC-SHA256(secret, timestamp + METHOD + requestPath
 * + body), where requestPath includes the query string and timestamp is the ISO-8601 time with milliseconds sent in
 * `OK-ACCESS-TIMESTAMP`; `OK-ACCESS-PASSPHRASE` is the passphrase chosen when the key was created. The WebSocket
 * `login` signs timestamp (Unix seconds) + 'GET' + '/users/self/verify' the same way.
 *
 * Credentials: Cadenza's credential model carries the passphrase as `secretPassphrase` (RPC) / `apiPassphrase`
 * (REST), encrypted with the secret. OKX keys are HMAC keys (`credentialType: 'HMAC'`; `API_KEY` is accepted too).
 */
import { createHmac } from 'node:crypto';
import type { VenueCredential } from '@cadenza/domain';
import { VenueError } from '../kit/venue-error.ts';

export interface OkxSigner {
  readonly apiKey: string;
  readonly passphrase: string;
  sign(prehash: string): string;
}

export function createOkxSigner(credential: VenueCredential, venue: string): OkxSigner {
  const type = credential.credentialType.toUpperCase();
  if (type !== 'HMAC' && type !== 'API_KEY') throw new VenueError(venue, 'unsupported', `OKX keys are HMAC keys (credentialType HMAC), not ${credential.credentialType}`);
  if (!credential.secretKey) throw new VenueError(venue, 'unsupported', 'an OKX credential needs the secret key');
  if (!credential.secretPassphrase) throw new VenueError(venue, 'unsupported', 'an OKX credential needs the passphrase chosen when the API key was created (secretPassphrase)');
  const secret = credential.secretKey;
  return { apiKey: credential.apiKey, passphrase: credential.secretPassphrase, sign: (prehash) => createHmac('sha256', secret).update(prehash).digest('base64') };
}

/** The headers of one signed REST request. */
export function signedHeaders(signer: OkxSigner, isoTimestamp: string, method: string, requestPath: string, body: string): Record<string, string> {
  return {
    'OK-ACCESS-KEY': signer.apiKey,
    'OK-ACCESS-SIGN': signer.sign(`${isoTimestamp}${method}${requestPath}${body}`),
    'OK-ACCESS-TIMESTAMP': isoTimestamp,
    'OK-ACCESS-PASSPHRASE': signer.passphrase,
  };
}

/** The `login` frame of the private WebSocket. */
export function loginFrame(signer: OkxSigner, unixSeconds: number): unknown {
  const timestamp = String(unixSeconds);
  return { op: 'login', args: [{ apiKey: signer.apiKey, passphrase: signer.passphrase, timestamp, sign: signer.sign(`${timestamp}GET/users/self/verify`) }] };
}
