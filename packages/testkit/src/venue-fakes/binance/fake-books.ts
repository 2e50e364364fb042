/**
 * @module venue-fakes/binance/fake-books
 * The fake Binance's order books (book state): one per symbol, with Binance's update ids — a diff moves `updateId` on
 * by the levels it changes and is streamed with `U` (first) and `u` (last); a snapshot answers `lastUpdateId`. What
 * is delivered, dropped or reordered is the transport's business (fake-binance-server.ts).
 */
import { BinanceRefusal, FakeDecimal } from './fake-account.ts';

interface BookState {
  bids: Map<string, string>;
  asks: Map<string, string>;
  updateId: number;
}

export type Levels = Array<[string, string]>;

export class FakeBooks {
  private readonly books = new Map<string, BookState>();

  constructor(symbols: Iterable<string>) {
    for (const s of symbols) this.books.set(s, { bids: new Map(), asks: new Map(), updateId: 1000 });
  }

  /** Replaces a book (no event; the next snapshot reflects it). */
  set(symbol: string, book: { bids: Levels; asks: Levels }): void {
    const b = this.book(symbol);
    b.bids = new Map(book.bids);
    b.asks = new Map(book.asks);
    b.updateId += 1;
  }

  /** Applies a diff; answers the `depthUpdate` fields (`U`, `u`, `b`, `a`) that report it. */
  apply(symbol: string, diff: { bids?: Levels; asks?: Levels }): { U: number; u: number; b: Levels; a: Levels } {
    const b = this.book(symbol);
    const bids = diff.bids ?? [];
    const asks = diff.asks ?? [];
    const first = b.updateId + 1;
    b.updateId += Math.max(1, bids.length + asks.length);
    for (const [p, q] of bids) (new FakeDecimal(q).isZero() ? b.bids.delete(p) : b.bids.set(p, q));
    for (const [p, q] of asks) (new FakeDecimal(q).isZero() ? b.asks.delete(p) : b.asks.set(p, q));
    return { U: first, u: b.updateId, b: bids, a: asks };
  }

  /** `GET /api/v3/depth`: the best `limit` levels a side; `behind` answers an id that far behind the stream. */
  snapshot(symbol: string, limit: number, behind = 0): { lastUpdateId: number; bids: Levels; asks: Levels } {
    const b = this.book(symbol);
    const desc = (m: Map<string, string>) => [...m.entries()].sort((x, y) => new FakeDecimal(y[0]).comparedTo(x[0])).slice(0, limit);
    const asc = (m: Map<string, string>) => [...m.entries()].sort((x, y) => new FakeDecimal(x[0]).comparedTo(y[0])).slice(0, limit);
    return { lastUpdateId: b.updateId - behind, bids: desc(b.bids), asks: asc(b.asks) };
  }

  /** Best bid and ask, where there are any. */
  top(symbol: string): { bestBid?: string; bestAsk?: string } {
    const { bids, asks } = this.snapshot(symbol, 1);
    return { ...(bids[0] ? { bestBid: bids[0][0] } : {}), ...(asks[0] ? { bestAsk: asks[0][0] } : {}) };
  }

  private book(symbol: string): BookState {
    const b = this.books.get(symbol);
    if (!b) throw new BinanceRefusal(400, -1121, 'Invalid symbol.');
    return b;
  }
}
