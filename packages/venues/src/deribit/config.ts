/**
 * @module deribit/config
 * Where the Deribit connector talks to, per venue id, and the knobs of its behaviour. DERIBIT is www.deribit.com,
 * DERIBIT_UAT is Deribit's test environment (test.deribit.com, its own accounts and keys). One base URL per venue
 * (`DERIBIT_URL`, `DERIBIT_UAT_URL`) — Deribit serves the same JSON-RPC methods over HTTP (`<base>/api/v2/<method>`,
 * used for public one-off requests) and over WebSocket (`<base>/ws/api/v2`, used for subscriptions and everything an
 * account does). An http(s) or ws(s) base is accepted, with or without those paths.
 */
import { trimSlash } from '../kit/urls.ts';

export type DeribitVenueId = 'DERIBIT' | 'DERIBIT_UAT';

export interface DeribitEndpoints {
  /** e.g. https://www.deribit.com/api/v2 */
  httpUrl: string;
  /** e.g. wss://www.deribit.com/ws/api/v2 */
  wsUrl: string;
}

export const DERIBIT_DEFAULT_URLS: Readonly<Record<DeribitVenueId, string>> = {
  DERIBIT: 'https://www.deribit.com',
  DERIBIT_UAT: 'https://test.deribit.com',
};

export interface DeribitVenueOptions {
  venueId: DeribitVenueId;
  /** Base URL (http(s) or ws(s)); default per venue id. */
  url?: string;
  /** Currencies whose instruments are listed. Default BTC, ETH (inverse) and USDC (linear). */
  currencies?: readonly string[];
  /** Heartbeat interval asked of Deribit (`public/set_heartbeat`, ≥ 10 s). Default 30 s. */
  heartbeatSeconds?: number;
  /** No frame for this long means the socket is dead. Default 45 s. */
  idleTimeoutMs?: number;
  reconnectDelayMs?: { min: number; max: number };
  /** The instrument list is cached this long. Default 10 min. */
  instrumentsTtlMs?: number;
  requestTimeoutMs?: number;
  /** The longest an order waits for room in the account's matching-engine pool before it is rejected. Default 2 s. */
  maxOrderWaitMs?: number;
  fetch?: typeof fetch;
}

/** The endpoints of a venue id with an override applied. */
export function resolveDeribitEndpoints(options: Pick<DeribitVenueOptions, 'venueId' | 'url'>): DeribitEndpoints {
  const base = trimSlash(options.url ?? DERIBIT_DEFAULT_URLS[options.venueId]).replace(/\/(ws\/)?api\/v2$/, '');
  const http = base.replace(/^ws(s?):/, 'http$1:');
  const ws = base.replace(/^http(s?):/, 'ws$1:');
  return { httpUrl: `${http}/api/v2`, wsUrl: `${ws}/ws/api/v2` };
}
