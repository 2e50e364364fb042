/**
 * @module bitfinex/signing
 * Bitfinex v2 authentication: REST calls carry `bfx-apikey`, `bfx-nonce` and `bfx-signature` = hex HMAC-SHA384 of
 * `/api/v2/<path>` + nonce + body; the WebSocket `auth` event signs `AUTH` + nonce the same way. Nonces must grow
 * strictly per API key, so one source hands them out for REST and WebSocket alike: microseconds, bumped past the
 * last one handed out. Bitfinex keys are plain key/secret pairs (`credentialType: 'HMAC'`, `API_KEY` accepted).
 */
import { createHmac } from 'node:crypto';
import type { VenueCredential } from '@cadenza/domain';
import { VenueError } from '../kit/venue-error.ts';

export interface BitfinexSigner {
  readonly apiKey: string;
  sign(payload: string): string;
}

export function createBitfinexSigner(credential: VenueCredential, venue: string): BitfinexSigner {
  const type = credential.credentialType.toUpperCase();
  if (type !== 'HMAC' && type !== 'API_KEY') throw new VenueError(venue, 'unsupported', `Bitfinex keys are HMAC keys (credentialType HMAC), not ${credential.credentialType}`);
  if (!credential.secretKey) throw new VenueError(venue, 'unsupported', 'a Bitfinex credential needs the API secret');
  const secret = credential.secretKey;
  return { apiKey: credential.apiKey, sign: (payload) => createHmac('sha384', secret).update(payload).digest('hex') };
}

/** Strictly increasing nonces (microseconds since the epoch), shared by every request of a venue instance. */
export class NonceSource {
  private last = 0;

  constructor(private readonly clock: { now(): number }) {}

  next(): string {
    this.last = Math.max(this.last + 1, this.clock.now() * 1000);
    return String(this.last);
  }
}

export function restHeaders(signer: BitfinexSigner, nonce: string, apiPath: string, body: string): Record<string, string> {
  return { 'bfx-apikey': signer.apiKey, 'bfx-nonce': nonce, 'bfx-signature': signer.sign(`/api/${apiPath}${nonce}${body}`) };
}

/** The WebSocket `auth` event; `filter` limits channel 0 to trading and wallet messages. */
export function authEvent(signer: BitfinexSigner, nonce: string): unknown {
  const authPayload = `AUTH${nonce}`;
  return { event: 'auth', apiKey: signer.apiKey, authSig: signer.sign(authPayload), authNonce: nonce, authPayload, filter: ['trading', 'wallet'] };
}
