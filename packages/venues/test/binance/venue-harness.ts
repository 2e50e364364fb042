/**
 * @module venues/test/binance/venue-harness
 * Test wiring: a BinanceVenue pointed at a FakeBinanceServer, with recording sinks and an `until` helper that
 * re-checks a condition whenever the venue reports something (plus a short poll for server-side state).
 */
import type { ExecutionEvent, KlineUpdate, TickerSnapshot, TradeTick, VenueDeps } from '@cadenza/domain';
import { createBinanceVenue, type BinanceVenue } from '../../src/binance/binance-venue.ts';
import type { BinanceVenueOptions } from '../../src/binance/config.ts';
import type { FakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';

export interface Recorded {
  executions: ExecutionEvent[];
  bookChanges: number;
  trades: TradeTick[];
  tickers: TickerSnapshot[];
  klines: KlineUpdate[];
  feedStatus: Array<{ symbol: string; status: 'UP' | 'DOWN'; reason?: string }>;
  warnings: Array<{ obj: object; msg?: string }>;
}

export interface Harness {
  venue: BinanceVenue;
  rec: Recorded;
  until<T>(check: () => T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
}

export function connectVenue(fake: FakeBinanceServer, options: Partial<BinanceVenueOptions> = {}): Harness {
  const rec: Recorded = { executions: [], bookChanges: 0, trades: [], tickers: [], klines: [], feedStatus: [], warnings: [] };
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  const deps: VenueDeps = {
    execution: { onExecution: (e) => (rec.executions.push(e), poke()) },
    market: {
      onBookChanged: () => (rec.bookChanges++, poke()),
      onTrade: (t) => (rec.trades.push(t), poke()),
      onTicker: (t) => (rec.tickers.push(t), poke()),
      onKline: (k) => (rec.klines.push(k), poke()),
      onFeedStatus: (_v, symbol, status, reason) => (rec.feedStatus.push({ symbol, status, ...(reason ? { reason } : {}) }), poke()),
    },
    clock: { now: () => Date.now() },
    log: { info: () => undefined, warn: (obj, msg) => void rec.warnings.push({ obj, ...(msg ? { msg } : {}) }), error: (obj, msg) => void rec.warnings.push({ obj, ...(msg ? { msg } : {}) }) },
  };
  const venue = createBinanceVenue(deps, {
    venueId: 'BINANCE',
    restBaseUrl: fake.restBaseUrl,
    wsBaseUrl: fake.wsBaseUrl,
    reconnectDelayMs: { min: 20, max: 200 },
    snapshotRetryDelayMs: 20,
    ...options,
  });
  const until = <T>(check: () => T | undefined | false, what: string, timeoutMs = 4000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const attempt = () => {
        let v: T | undefined | false;
        try {
          v = check();
        } catch {
          v = undefined;
        }
        if (v !== undefined && v !== false) {
          cleanup();
          resolve(v);
        }
      };
      const poll = setInterval(attempt, 10);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(poll);
        clearTimeout(timer);
        waiters.delete(attempt);
      };
      waiters.add(attempt);
      attempt();
    });
  return { venue, rec, until };
}
