/**
 * @module venue-fakes/shared/venue-harness
 * Test wiring for a real-venue connector pointed at a fake: recording sinks, every book the connector would
 * publish (pulled at each `onBookChanged`, as the bridge does), and `until`, which re-checks a condition whenever
 * the venue reports something (plus a short poll for server-side state).
 */
import type { BookSnapshot, ExecutionEvent, KlineUpdate, MarkPriceUpdate, TickerSnapshot, TradeTick, Venue, VenueDeps } from '@cadenza/domain';

export interface Recorded {
  executions: ExecutionEvent[];
  /** Every book `getBook(symbol, 20)` answered at a change notification (undefined while resynchronising is skipped). */
  books: BookSnapshot[];
  bookChanges: number;
  trades: TradeTick[];
  tickers: TickerSnapshot[];
  klines: KlineUpdate[];
  /** Derivatives venues: mark prices reported (`onMarkPrice`). */
  marks: MarkPriceUpdate[];
  feedStatus: Array<{ symbol: string; status: 'UP' | 'DOWN'; reason?: string }>;
  warnings: Array<{ obj: object; msg?: string }>;
}

export interface Harness<V extends Venue> {
  venue: V;
  rec: Recorded;
  until<T>(check: () => T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
}

export function harness<V extends Venue>(make: (deps: VenueDeps) => V): Harness<V> {
  const rec: Recorded = { executions: [], books: [], bookChanges: 0, trades: [], tickers: [], klines: [], marks: [], feedStatus: [], warnings: [] };
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  let venue: V | undefined;
  const deps: VenueDeps = {
    execution: { onExecution: (e) => (rec.executions.push(e), poke()) },
    market: {
      onBookChanged: (_v, symbol) => {
        rec.bookChanges++;
        const b = venue?.getBook(symbol, 20);
        if (b) rec.books.push(b);
        poke();
      },
      onTrade: (t) => (rec.trades.push(t), poke()),
      onTicker: (t) => (rec.tickers.push(t), poke()),
      onKline: (k) => (rec.klines.push(k), poke()),
      onMarkPrice: (m) => (rec.marks.push(m), poke()),
      onFeedStatus: (_v, symbol, status, reason) => (rec.feedStatus.push({ symbol, status, ...(reason ? { reason } : {}) }), poke()),
    },
    clock: { now: () => Date.now() },
    log: { info: () => undefined, warn: (obj, msg) => void rec.warnings.push({ obj, ...(msg ? { msg } : {}) }), error: (obj, msg) => void rec.warnings.push({ obj, ...(msg ? { msg } : {}) }) },
  };
  venue = make(deps);
  const until = <T>(check: () => T | undefined | false, what: string, timeoutMs = 8000): Promise<T> =>
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

/** A book as comparable text (levels only). */
export function bookKey(b: { bids: ReadonlyArray<{ price: string; quantity: string }>; asks: ReadonlyArray<{ price: string; quantity: string }> }): string {
  return JSON.stringify([b.bids.map((l) => [l.price, l.quantity]), b.asks.map((l) => [l.price, l.quantity])]);
}

/** True when the best bid is below the best ask (or a side is empty). */
export function isUncrossed(b: BookSnapshot): boolean {
  const bid = b.bids[0];
  const ask = b.asks[0];
  if (!bid || !ask) return true;
  return compareDecimal(bid.price, ask.price) < 0;
}

function compareDecimal(a: string, b: string): number {
  const [aw, af = ''] = a.split('.');
  const [bw, bf = ''] = b.split('.');
  const n = Math.max(af.length, bf.length);
  const x = BigInt(aw! + af.padEnd(n, '0'));
  const y = BigInt(bw! + bf.padEnd(n, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}
