/**
 * @module okx/config
 * Where the OKX connector talks to, per venue id, and the knobs of its behaviour. OKX (live) and OKX_UAT (OKX's
 * demo trading) share the REST host; demo requests carry `x-simulated-trading: 1` and demo WebSockets live on
 * wspap.okx.com. Every URL can be overridden (`OKX_REST_URL`, `OKX_WS_URL`, `OKX_UAT_*`), which is how tests point
 * the connector at a local OKX-compatible server. The WebSocket base carries the three documented paths:
 * `<ws>/ws/v5/public` (books, trades, tickers), `<ws>/ws/v5/business` (candles), `<ws>/ws/v5/private` (login,
 * orders, account).
 */
import { trimSlash } from '../kit/urls.ts';

export type OkxVenueId = 'OKX' | 'OKX_UAT';

export interface OkxEndpoints {
  /** REST base without `/api/v5`, e.g. https://www.okx.com. */
  restBaseUrl: string;
  /** WebSocket base; the documented paths are appended. */
  wsBaseUrl: string;
  /** Demo trading: every request carries `x-simulated-trading: 1`. */
  simulated: boolean;
}

export const OKX_DEFAULT_ENDPOINTS: Readonly<Record<OkxVenueId, OkxEndpoints>> = {
  OKX: { restBaseUrl: 'https://www.okx.com', wsBaseUrl: 'wss://ws.okx.com:8443', simulated: false },
  OKX_UAT: { restBaseUrl: 'https://www.okx.com', wsBaseUrl: 'wss://wspap.okx.com:8443', simulated: true },
};

export interface OkxVenueOptions {
  venueId: OkxVenueId;
  restBaseUrl?: string;
  wsBaseUrl?: string;
  /** Levels asked of `GET /api/v5/market/books` (docs: up to 400). Default 400. */
  bookSnapshotDepth?: number;
  /** Application ping interval ("ping" text); OKX closes a connection silent for 30 s. Default 20 s. */
  pingIntervalMs?: number;
  /** No frame for this long means the socket is dead. Default 35 s. */
  idleTimeoutMs?: number;
  reconnectDelayMs?: { min: number; max: number };
  /** Delay before fetching a snapshot again after one that did not fit the buffered updates. */
  snapshotRetryDelayMs?: number;
  /** The instrument list is cached this long. Default 10 min. */
  instrumentsTtlMs?: number;
  requestTimeoutMs?: number;
  /** The longest an order waits for room in its own request budget before it is rejected. Default 2 s. */
  maxOrderWaitMs?: number;
  fetch?: typeof fetch;
}


/** The endpoints of a venue id with overrides applied (tolerating `/api/v5` and `/ws/v5/...` suffixes). */
export function resolveOkxEndpoints(options: Pick<OkxVenueOptions, 'venueId' | 'restBaseUrl' | 'wsBaseUrl'>): OkxEndpoints {
  const d = OKX_DEFAULT_ENDPOINTS[options.venueId];
  return {
    restBaseUrl: options.restBaseUrl ? trimSlash(options.restBaseUrl).replace(/\/api\/v5$/, '') : d.restBaseUrl,
    wsBaseUrl: options.wsBaseUrl ? trimSlash(options.wsBaseUrl).replace(/\/ws\/v5(\/(public|private|business))?$/, '') : d.wsBaseUrl,
    simulated: d.simulated,
  };
}
