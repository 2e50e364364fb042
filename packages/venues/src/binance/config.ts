/**
 * @module binance/config
 * Where the connector talks to, per venue id, and the knobs of its behaviour. Defaults are Binance's public
 * spot endpoints (BINANCE) and the spot test network (BINANCE_UAT, the contract's preferred name, and BINANCE_SANDBOX,
 * its deprecated one); every URL can be overridden, which is
 * how tests point the connector at the local fake server.
 */
import { trimSlash } from '../kit/urls.ts';

export type BinanceVenueId = 'BINANCE' | 'BINANCE_UAT' | 'BINANCE_SANDBOX';

export interface BinanceEndpoints {
  /** REST base without `/api`, e.g. https://api.binance.com. */
  restBaseUrl: string;
  /** Market stream base; the connector uses `<wsBaseUrl>/stream?streams=…`. */
  wsBaseUrl: string;
  /** WebSocket API endpoint for the User Data Stream (`userDataStream.subscribe.signature`). */
  wsApiUrl: string;
}

/** Binance's spot test network (BINANCE_UAT, and BINANCE_SANDBOX under its deprecated name). */
const SPOT_TESTNET: BinanceEndpoints = {
  restBaseUrl: 'https://testnet.binance.vision',
  wsBaseUrl: 'wss://stream.testnet.binance.vision',
  wsApiUrl: 'wss://ws-api.testnet.binance.vision/ws-api/v3',
};

export const DEFAULT_ENDPOINTS: Readonly<Record<BinanceVenueId, BinanceEndpoints>> = {
  BINANCE: {
    restBaseUrl: 'https://api.binance.com',
    wsBaseUrl: 'wss://stream.binance.com:9443',
    wsApiUrl: 'wss://ws-api.binance.com:443/ws-api/v3',
  },
  BINANCE_UAT: SPOT_TESTNET,
  BINANCE_SANDBOX: SPOT_TESTNET,
};

export interface BinanceVenueOptions {
  venueId: BinanceVenueId;
  restBaseUrl?: string;
  wsBaseUrl?: string;
  /**
   * Defaults to the venue's WebSocket API. When only `wsBaseUrl` is overridden to a non-Binance host (a local
   * Binance-compatible server), `<wsBaseUrl>/ws-api/v3` on that host.
   */
  wsApiUrl?: string;
  /** recvWindow sent with signed requests (ms, ≤ 60000). Default 5000, as Binance recommends. */
  recvWindowMs?: number;
  /** Levels requested for the depth snapshot (docs: 5000). */
  depthSnapshotLimit?: number;
  /** Diff-depth stream speed: '100ms' (`@depth@100ms`) or '1000ms' (`@depth`). */
  depthSpeed?: '100ms' | '1000ms';
  /** Reconnect the market socket before Binance's 24 h cut. Default 23 h 30 min. */
  maxConnectionAgeMs?: number;
  /** No frame (data or ping) for this long means the socket is dead. Default 70 s (Binance pings every 20 s). */
  idleTimeoutMs?: number;
  reconnectDelayMs?: { min: number; max: number };
  /** Streams per market socket (Binance allows 1024; the initial list travels in the URL). Default 200. */
  maxStreamsPerConnection?: number;
  /** Delay before re-fetching a depth snapshot that was older than the buffered events. */
  snapshotRetryDelayMs?: number;
  /** exchangeInfo is cached this long. Default 10 min. */
  instrumentsTtlMs?: number;
  requestTimeoutMs?: number;
  /** Injected for tests; defaults to global fetch. */
  fetch?: typeof fetch;
}

/** Binance's own hosts (stream.binance.com, data-stream.binance.vision, …) never serve the WebSocket API on the stream host. */
function isBinanceHost(url: string): boolean {
  try {
    return /(^|\.)binance\.(com|vision)$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}


/** The endpoints for a venue id with overrides applied (tolerating `/api`, `/ws`, `/stream` suffixes). */
export function resolveEndpoints(options: Pick<BinanceVenueOptions, 'venueId' | 'restBaseUrl' | 'wsBaseUrl' | 'wsApiUrl'>): BinanceEndpoints {
  const d = DEFAULT_ENDPOINTS[options.venueId];
  const restBaseUrl = options.restBaseUrl ? trimSlash(options.restBaseUrl).replace(/\/api$/, '') : d.restBaseUrl;
  const wsBaseUrl = options.wsBaseUrl ? trimSlash(options.wsBaseUrl).replace(/\/(ws|stream)$/, '') : d.wsBaseUrl;
  const wsApiUrl = options.wsApiUrl ? trimSlash(options.wsApiUrl) : options.wsBaseUrl && !isBinanceHost(wsBaseUrl) ? `${wsBaseUrl}/ws-api/v3` : d.wsApiUrl;
  return { restBaseUrl, wsBaseUrl, wsApiUrl };
}
