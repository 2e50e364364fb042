/**
 * @module fakes/recording-venue-deps
 * A recording `VenueDeps` for venue tests: a settable clock, captured execution events and market-data calls.
 */
import type { ExecutionEvent, FundingSettlement, KlineUpdate, MarkPriceUpdate, TickerSnapshot, TradeTick, VenueDeps } from '@cadenza/domain';

/** VenueDeps whose calls are recorded, with a clock tests set through `now`. */
export interface RecordingDeps extends VenueDeps {
  now: number;
  executions: ExecutionEvent[];
  trades: TradeTick[];
  tickers: TickerSnapshot[];
  klines: KlineUpdate[];
  bookChanges: string[];
  marks: MarkPriceUpdate[];
  fundings: FundingSettlement[];
  errors: object[];
}

/** Fresh recording deps whose clock starts at `start`. */
export function recordingDeps(start = Date.UTC(2026, 10, 24, 9, 0, 0)): RecordingDeps {
  const d: RecordingDeps = {
    now: start,
    executions: [],
    trades: [],
    tickers: [],
    klines: [],
    bookChanges: [],
    marks: [],
    fundings: [],
    errors: [],
    clock: { now: () => d.now },
    execution: { onExecution: (e) => d.executions.push(e) },
    market: {
      onBookChanged: (venue, symbol) => d.bookChanges.push(`${venue}:${symbol}`),
      onTrade: (t) => d.trades.push(t),
      onTicker: (t) => d.tickers.push(t),
      onKline: (k) => d.klines.push(k),
      onMarkPrice: (m) => d.marks.push(m),
      onFunding: (f) => d.fundings.push(f),
    },
    log: { info() {}, warn() {}, error: (o) => d.errors.push(o) },
  };
  return d;
}
