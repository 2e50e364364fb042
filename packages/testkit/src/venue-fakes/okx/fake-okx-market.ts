/**
 * @module venue-fakes/okx/fake-okx-market
 * The fake OKX's market (book state): its instruments, their books with OKX's `seqId` chain (ids growing by uneven
 * steps) and CRC-32 checksum, the recent states a lagging REST snapshot may answer, every state each book has been in
 * (what a client may show), and the public rows built from them. What reaches which socket is the transport's
 * business (fake-okx-server.ts); the market hands it channel and frame.
 */
import { crc32 } from 'node:zlib';
import { Decimal } from 'decimal.js';
import { FakeBook } from '../shared/fake-book.ts';
import { loadFixture } from '../shared/fixtures.ts';

export interface FakeOkxInstrument {
  instId: string;
  base: string;
  quote: string;
  tickSz?: string;
  lotSz?: string;
  minSz?: string;
  state?: string;
}

/** Trade ids: one series for public trades and the accounts' fills. */
export interface TradeIds {
  nextTradeId: number;
}

const DIR = new URL('./', import.meta.url);

export class FakeOkxMarket {
  readonly instruments = new Map<string, Required<FakeOkxInstrument>>();
  readonly books = new Map<string, FakeBook>();
  /** Every state each book has been in (top 20 per side, normalised), oldest first: what a client may show. */
  readonly truths = new Map<string, Set<string>>();
  /** Send real CRC-32 checksums on `books` pushes (else 0). */
  sendChecksums = false;
  /** The next this-many REST snapshots report the book as it was three updates ago (REST lagging the stream). */
  staleSnapshots = 0;
  private readonly seqIds = new Map<string, number>();
  private readonly history = new Map<string, Array<{ seqId: number; bids: Array<[string, string]>; asks: Array<[string, string]> }>>();
  private bookFaults: Array<'drop' | 'duplicate' | 'corrupt-checksum'> = [];

  constructor(
    instruments: FakeOkxInstrument[],
    private readonly ids: TradeIds,
    private readonly broadcast: (channel: string, frame: unknown) => void,
  ) {
    for (const i of instruments) {
      this.instruments.set(i.instId, { tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001', state: 'live', ...i });
      this.books.set(i.instId, new FakeBook());
      this.seqIds.set(i.instId, 1000);
    }
  }

  /** Replaces a book; the change is one update push (as OKX would stream it). */
  setBook(instId: string, book: { bids: Array<[string, string]>; asks: Array<[string, string]> }): void {
    const b = this.book(instId);
    const bids: Array<[string, string]> = [...b.bids.keys()].map((p) => [p, '0']);
    const asks: Array<[string, string]> = [...b.asks.keys()].map((p) => [p, '0']);
    this.pushBook(instId, { bids: [...bids, ...book.bids], asks: [...asks, ...book.asks] });
  }

  /** Applies level changes (size "0" deletes) and pushes them as one `books` update, subject to the fault queue. */
  pushBook(instId: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): void {
    const b = this.book(instId);
    const bids = diff.bids ?? [];
    const asks = diff.asks ?? [];
    for (const [p, q] of bids) b.set('bid', p, q);
    for (const [p, q] of asks) b.set('ask', p, q);
    const prevSeqId = this.seqIds.get(instId)!;
    const seqId = prevSeqId + 1 + ((prevSeqId * 7) % 13);
    this.seqIds.set(instId, seqId);
    this.remember(instId, seqId);
    const fault = this.bookFaults.shift();
    if (fault === 'drop') return;
    let checksum = this.sendChecksums ? this.checksum(instId) : 0;
    if (fault === 'corrupt-checksum') checksum = (checksum ^ 0x5a5a) | 0 || 1;
    const row = { ...this.bookRow(bids, asks), ts: String(Date.now()), checksum, prevSeqId, seqId };
    const frame = { arg: { channel: 'books', instId }, action: 'update', data: [row] };
    this.broadcast(`books:${instId}`, frame);
    if (fault === 'duplicate') this.broadcast(`books:${instId}`, frame);
  }

  /** The next book pushes are dropped / sent twice / sent with a wrong checksum. */
  queueBookFaults(...faults: Array<'drop' | 'duplicate' | 'corrupt-checksum'>): void {
    this.bookFaults.push(...faults);
  }

  pushTrade(instId: string, trade: { px: string; sz: string; side: 'buy' | 'sell'; tradeId?: string }): void {
    const ts = String(Date.now());
    this.broadcast(`trades:${instId}`, { arg: { channel: 'trades', instId }, data: [{ instId, tradeId: trade.tradeId ?? String(this.ids.nextTradeId++), px: trade.px, sz: trade.sz, side: trade.side, ts, count: '1' }] });
  }

  pushTicker(instId: string, t: { last: string; open24h: string }): void {
    const b = this.book(instId);
    const [bid] = b.top('bid', 1);
    const [ask] = b.top('ask', 1);
    this.broadcast(`tickers:${instId}`, {
      arg: { channel: 'tickers', instId },
      data: [{ instType: 'SPOT', instId, last: t.last, lastSz: '0.1', askPx: ask?.[0] ?? '', askSz: ask?.[1] ?? '', bidPx: bid?.[0] ?? '', bidSz: bid?.[1] ?? '', open24h: t.open24h, high24h: t.last, low24h: t.open24h, sodUtc0: t.open24h, sodUtc8: t.open24h, volCcy24h: '0', vol24h: '0', ts: String(Date.now()) }],
    });
  }

  pushCandle(instId: string, bar: string, row: [string, string, string, string, string, string, '0' | '1']): void {
    const [ts, o, h, l, c, vol, confirm] = row;
    this.broadcast(`candle${bar}:${instId}`, { arg: { channel: `candle${bar}`, instId }, data: [[ts, o, h, l, c, vol, vol, vol, confirm]] });
  }

  book(instId: string): FakeBook {
    const b = this.books.get(instId);
    if (!b) throw new Error(`unknown instrument ${instId}`);
    return b;
  }

  bookRow(bids: Array<[string, string]>, asks: Array<[string, string]>): Record<string, unknown> {
    const tpl = (loadFixture(DIR, 'books-push').data as Array<Record<string, unknown>>)[0]!;
    const level = ([p, q]: [string, string]) => [p, q, '0', new Decimal(q).isZero() ? '0' : '1'];
    return { ...tpl, bids: bids.map(level), asks: asks.map(level) };
  }

  private remember(instId: string, seqId: number): void {
    const b = this.book(instId);
    const v = b.view(20);
    const key = JSON.stringify([v.bids.map((l) => [l.price, l.quantity]), v.asks.map((l) => [l.price, l.quantity])]);
    const seen = this.truths.get(instId) ?? new Set<string>();
    seen.add(key);
    this.truths.set(instId, seen);
    const h = this.history.get(instId) ?? [];
    h.push({ seqId, bids: b.top('bid', 400), asks: b.top('ask', 400) });
    if (h.length > 50) h.shift();
    this.history.set(instId, h);
  }

  /** OKX's checksum: CRC-32 (signed) of `bid:size:ask:size…` over the top 25 levels, interleaved. */
  checksum(instId: string): number {
    const b = this.book(instId);
    const bids = b.top('bid', 25);
    const asks = b.top('ask', 25);
    const parts: string[] = [];
    for (let i = 0; i < 25; i++) {
      if (bids[i]) parts.push(`${bids[i]![0]}:${bids[i]![1]}`);
      if (asks[i]) parts.push(`${asks[i]![0]}:${asks[i]![1]}`);
    }
    return crc32(Buffer.from(parts.join(':'))) | 0;
  }

  /** The `books` snapshot push OKX sent on subscribe before 2026. */
  snapshotPush(instId: string): Record<string, unknown> {
    const b = this.book(instId);
    return { ...this.bookRow(b.top('bid', 400), b.top('ask', 400)), ts: String(Date.now()), checksum: this.sendChecksums ? this.checksum(instId) : 0, prevSeqId: -1, seqId: this.seqIds.get(instId)! };
  }

  /** `GET /api/v5/public/instruments` rows. */
  instrumentRows(): Array<Record<string, unknown>> {
    const tpl = loadFixture(DIR, 'instrument');
    return [...this.instruments.values()].map((i) => ({ ...tpl, instId: i.instId, baseCcy: i.base, quoteCcy: i.quote, tickSz: i.tickSz, lotSz: i.lotSz, minSz: i.minSz, state: i.state }));
  }

  /** `GET /api/v5/market/books`: the best `sz` levels (a state three updates old while `staleSnapshots` lasts). */
  restSnapshot(instId: string, sz: number): Record<string, unknown> {
    const h = this.history.get(instId) ?? [];
    let snap = { seqId: this.seqIds.get(instId)!, bids: this.book(instId).top('bid', sz), asks: this.book(instId).top('ask', sz) };
    if (this.staleSnapshots > 0 && h.length >= 4) {
      this.staleSnapshots--;
      snap = h[h.length - 4]!;
    }
    const level = ([p, q]: [string, string]) => [p, q, '0', '1'];
    return { asks: snap.asks.map(level), bids: snap.bids.map(level), ts: String(Date.now()), seqId: snap.seqId };
  }
}
