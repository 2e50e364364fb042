/**
 * @module venue-fakes/binance/fake-api-keys
 * The fake's API keys and Binance's checks of a signed request, shared by the REST endpoints and the WebSocket API:
 * the signature (HMAC-SHA256 as hex, or Ed25519 as base64, over the request's parameters) and `timestamp` within
 * `recvWindow` (default 5,000 ms, at most 1 s ahead) of the server clock, else -1021.
 */
import { createHmac, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { BinanceRefusal } from './fake-account.ts';

export interface FakeKey {
  /** HMAC secret, or an Ed25519 public key (PEM) for Ed25519 API keys. */
  secret?: string;
  ed25519PublicKeyPem?: string;
  balances?: Record<string, string>;
}

export class FakeApiKeys {
  private readonly keys = new Map<string, { hmac?: string; ed?: KeyObject }>();

  constructor(private readonly serverTime: () => number) {}

  add(apiKey: string, k: FakeKey): void {
    this.keys.set(apiKey, { ...(k.secret ? { hmac: k.secret } : {}), ...(k.ed25519PublicKeyPem ? { ed: createPublicKey(k.ed25519PublicKeyPem) } : {}) });
  }

  has(apiKey: string): boolean {
    return this.keys.has(apiKey);
  }

  /**
   * Whether `signature` signs `payload` with the key of `apiKey` (a known one). REST compares an HMAC's hex in any
   * case (`hexAnyCase`); the WebSocket API as sent.
   */
  signs(apiKey: string, payload: string, signature: string, hexAnyCase = false): boolean {
    const key = this.keys.get(apiKey);
    if (!key) return false;
    if (key.hmac) return createHmac('sha256', key.hmac).update(payload).digest('hex') === (hexAnyCase ? signature.toLowerCase() : signature);
    return key.ed !== undefined && cryptoVerify(null, Buffer.from(payload), key.ed, Buffer.from(signature, 'base64'));
  }

  /** Refuses (-1021) a `timestamp` outside `recvWindow` of the server clock. */
  checkTimestamp(params: URLSearchParams | Map<string, string>): void {
    const timestamp = Number(params.get('timestamp'));
    const recvWindow = Number(params.get('recvWindow') ?? 5000);
    const serverTime = this.serverTime();
    if (!(timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow)) throw new BinanceRefusal(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  }
}
