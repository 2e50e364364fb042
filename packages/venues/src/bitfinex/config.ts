/**
 * @module bitfinex/config
 * Where the Bitfinex connector talks to. Bitfinex serves public data from api-pub.bitfinex.com and authenticated
 * calls from api.bitfinex.com (REST under `/v2`, WebSockets at `/ws/2`). `BITFINEX_REST_URL` / `BITFINEX_WS_URL`
 * (and the `_UAT` forms) replace both hosts at once — how tests point the connector at a local Bitfinex-compatible
 * server.
 *
 * BITFINEX_UAT: Bitfinex has no separate test network. Its documented paper trading is a sub-account on the same
 * endpoints, with its own API keys, trading test pairs (`tTESTBTC:TESTUSD`, …). So BITFINEX_UAT uses the same hosts,
 * lists only the TEST pairs (named `TESTBTC/TESTUSD`), and its trading accounts carry the paper sub-account's key;
 * BITFINEX lists every other pair.
 */
import { trimSlash } from '../kit/urls.ts';

export type BitfinexVenueId = 'BITFINEX' | 'BITFINEX_UAT';

export interface BitfinexEndpoints {
  publicRestUrl: string;
  authRestUrl: string;
  publicWsUrl: string;
  authWsUrl: string;
}

export const BITFINEX_DEFAULT_ENDPOINTS: BitfinexEndpoints = {
  publicRestUrl: 'https://api-pub.bitfinex.com',
  authRestUrl: 'https://api.bitfinex.com',
  publicWsUrl: 'wss://api-pub.bitfinex.com/ws/2',
  authWsUrl: 'wss://api.bitfinex.com/ws/2',
};

export interface BitfinexVenueOptions {
  venueId: BitfinexVenueId;
  /** Replaces both REST hosts (public and authenticated); `/v2` is appended by the connector. */
  restBaseUrl?: string;
  /** Replaces both WebSocket hosts; `/ws/2` is appended unless given. */
  wsBaseUrl?: string;
  pingIntervalMs?: number;
  idleTimeoutMs?: number;
  reconnectDelayMs?: { min: number; max: number };
  instrumentsTtlMs?: number;
  requestTimeoutMs?: number;
  /** The longest an order waits for room in its own request budget before it is rejected. Default 2 s. */
  maxOrderWaitMs?: number;
  fetch?: typeof fetch;
}


export function resolveBitfinexEndpoints(options: Pick<BitfinexVenueOptions, 'restBaseUrl' | 'wsBaseUrl'>): BitfinexEndpoints {
  const rest = options.restBaseUrl ? trimSlash(options.restBaseUrl).replace(/\/v2$/, '') : undefined;
  const ws = options.wsBaseUrl ? `${trimSlash(options.wsBaseUrl).replace(/\/ws\/2$/, '')}/ws/2` : undefined;
  return {
    publicRestUrl: rest ?? BITFINEX_DEFAULT_ENDPOINTS.publicRestUrl,
    authRestUrl: rest ?? BITFINEX_DEFAULT_ENDPOINTS.authRestUrl,
    publicWsUrl: ws ?? BITFINEX_DEFAULT_ENDPOINTS.publicWsUrl,
    authWsUrl: ws ?? BITFINEX_DEFAULT_ENDPOINTS.authWsUrl,
  };
}
