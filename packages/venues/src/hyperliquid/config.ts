/**
 * @module hyperliquid/config
 * Where the Hyperliquid connector talks to, per venue id, and the knobs of its behaviour. HYPERLIQUID is
 * api.hyperliquid.xyz (mainnet), HYPERLIQUID_UAT its testnet (api.hyperliquid-testnet.xyz: its own balances, agents
 * approved there, and the `source` "b" in every L1 signature). Two URLs per venue, as the other live venues take them:
 * the REST base (`<rest>/info`, `<rest>/exchange`) and the WebSocket URL (`<ws>` as given; a bare host gets `/ws`).
 */
import { trimSlash } from '../kit/urls.ts';

export type HyperliquidVenueId = 'HYPERLIQUID' | 'HYPERLIQUID_UAT';

export interface HyperliquidEndpoints {
  /** e.g. https://api.hyperliquid.xyz */
  restUrl: string;
  /** e.g. wss://api.hyperliquid.xyz/ws */
  wsUrl: string;
  /** The phantom agent's `source`: "a" on mainnet, "b" on testnet. */
  source: 'a' | 'b';
}

export const HYPERLIQUID_DEFAULT_URLS: Readonly<Record<HyperliquidVenueId, { rest: string; ws: string }>> = {
  HYPERLIQUID: { rest: 'https://api.hyperliquid.xyz', ws: 'wss://api.hyperliquid.xyz/ws' },
  HYPERLIQUID_UAT: { rest: 'https://api.hyperliquid-testnet.xyz', ws: 'wss://api.hyperliquid-testnet.xyz/ws' },
};

export interface HyperliquidVenueOptions {
  venueId: HyperliquidVenueId;
  restBaseUrl?: string;
  wsBaseUrl?: string;
  /** List the spot pairs of `spotMeta` besides the perpetuals. Default true. */
  spot?: boolean;
  /** Pings go out this often (Hyperliquid closes a connection that sent nothing for 60 s). Default 30 s. */
  pingIntervalMs?: number;
  /** No frame for this long means the socket is dead. Default 70 s. */
  idleTimeoutMs?: number;
  reconnectDelayMs?: { min: number; max: number };
  /** A book that has no snapshot this long after (re)subscribing is fetched over REST (`l2Book`). Default 5 s. */
  snapshotTimeoutMs?: number;
  /** The instrument list is cached this long. Default 10 min. */
  instrumentsTtlMs?: number;
  requestTimeoutMs?: number;
  /** After a 429 without `Retry-After`, nothing is sent for this long. Default 10 s (Hyperliquid's throttled pace). */
  rateLimitBackoffMs?: number;
  /** The longest an order waits for room in the weight budget before it is rejected. Default 2 s. */
  maxOrderWaitMs?: number;
  /** MARKET orders are sent as IOC limits this far through the best price (fraction). Default 0.05. */
  marketSlippage?: string;
  fetch?: typeof fetch;
}

/** The endpoints of a venue id with its overrides applied. */
export function resolveHyperliquidEndpoints(options: Pick<HyperliquidVenueOptions, 'venueId' | 'restBaseUrl' | 'wsBaseUrl'>): HyperliquidEndpoints {
  const defaults = HYPERLIQUID_DEFAULT_URLS[options.venueId];
  const rest = trimSlash(options.restBaseUrl ?? defaults.rest).replace(/\/(info|exchange)$/, '');
  let ws = trimSlash(options.wsBaseUrl ?? defaults.ws);
  if (!/\/ws$/.test(ws) && new URL(ws).pathname === '/') ws = `${ws}/ws`;
  return { restUrl: rest, wsUrl: ws, source: options.venueId === 'HYPERLIQUID' ? 'a' : 'b' };
}
