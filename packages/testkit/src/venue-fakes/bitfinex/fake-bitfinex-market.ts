/**
 * @module venue-fakes/bitfinex/fake-bitfinex-market
 * The fake Bitfinex's market (book state): its pairs, their P0 books, every state each book's top 25 has been in (as
 * a client's top-20 view: what it may publish), Bitfinex's checksum, and the rows of its public messages and REST
 * answers. Delivery — per-socket sequence numbers, checksums after each message, lost or gapped messages — is the
 * transport's business (fake-bitfinex-server.ts).
 */
import { crc32 } from 'node:zlib';
import { Decimal } from 'decimal.js';
import { FakeBook } from '../shared/fake-book.ts';
import { fixtureArray } from './fake-bitfinex-account.ts';

export interface FakeBfxPair {
  /** Bitfinex pair without the `t`: 'BTCUSD', 'TESTBTC:TESTUSD'. */
  pair: string;
  base: string;
  quote: string;
  minSize?: string;
  maxSize?: string;
  last?: string;
}

/** Trade ids: one series for public trades and the accounts' fills. */
export interface TradeIds {
  nextTradeId: number;
}

/** A number as Bitfinex sends it (a JSON number). */
export const n = (d: Decimal | string) => new Decimal(d).toNumber();

/** A REST answer: the JSON body and its HTTP status. */
export type RestAnswer = { status: number; body: unknown };

const unknownEndpoint: RestAnswer = { status: 404, body: ['error', 10020, 'unknown endpoint'] };

export class FakeBitfinexMarket {
  readonly pairs = new Map<string, Required<FakeBfxPair>>();
  readonly books = new Map<string, FakeBook>();
  /** Every state each book's top 25 has been in, as the client's top-20 view: what a client may publish. */
  readonly truths = new Map<string, Set<string>>();

  constructor(
    pairs: FakeBfxPair[],
    private readonly ids: TradeIds,
  ) {
    for (const p of pairs) {
      this.pairs.set(p.pair, { minSize: '0.00004', maxSize: '2000', last: '64000', ...p });
      this.books.set(`t${p.pair}`, new FakeBook());
    }
  }

  book(symbol: string): FakeBook {
    const b = this.books.get(symbol);
    if (!b) throw new Error(`unknown symbol ${symbol}`);
    return b;
  }

  /** Applies level changes (size "0" removes); answers the P0 update messages of what changed in the top 25. */
  applyBook(symbol: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): unknown[][] {
    const b = this.book(symbol);
    const before = this.top25(symbol);
    for (const [p, q] of diff.bids ?? []) b.set('bid', p, q);
    for (const [p, q] of diff.asks ?? []) b.set('ask', p, q);
    this.remember(symbol);
    const after = this.top25(symbol);
    const updates: unknown[][] = [];
    for (const [key, [side, price]] of before) if (!after.has(key)) updates.push([n(price), 0, side === 'bid' ? 1 : -1]);
    for (const [key, [side, price, qty]] of after) {
      const old = before.get(key);
      if (!old || old[2] !== qty) updates.push([n(price), 1, side === 'bid' ? n(qty) : -n(qty)]);
    }
    return updates;
  }

  /** A book snapshot message's rows (top 25 a side, asks negative). */
  snapshotRows(symbol: string): unknown[][] {
    const b = this.book(symbol);
    return [...b.top('bid', 25).map(([p, q]) => [n(p), 1, n(q)]), ...b.top('ask', 25).map(([p, q]) => [n(p), 1, -n(q)])];
  }

  /** A `te` trade row. */
  tradeRow(t: { price: string; amount: string; id?: number }): unknown[] {
    return [t.id ?? this.ids.nextTradeId++, Date.now(), n(t.amount), n(t.price)];
  }

  /** A ticker row with the book's best levels. */
  tickerRow(symbol: string, t: { last: string; changeRelative: string }): unknown[] {
    const b = this.book(symbol);
    const [bid] = b.top('bid', 1);
    const [ask] = b.top('ask', 1);
    return [n(bid?.[0] ?? '0'), n(bid?.[1] ?? '0'), n(ask?.[0] ?? '0'), n(ask?.[1] ?? '0'), 0, n(t.changeRelative), n(t.last), 1, n(t.last), n(t.last)];
  }

  /** The candles snapshot sent on subscribe: the forming minute and the one before. */
  candleSnapshot(symbol: string): unknown[][] {
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const last = n(this.pairs.get(symbol.slice(1))!.last);
    return [[now, last, last, last, last, 0], [now - 60_000, last, last, last, last, 1]];
  }

  /** The public REST endpoints: `conf/pub:info:pair`, `tickers`, `candles/trade:<frame>:<symbol>/hist`. */
  publicRequest(path: string, url: URL): RestAnswer {
    if (path === 'conf/pub:info:pair') {
      const tpl = (fixtureArray('pair-info')[0] as unknown[][])[0]! as [string, unknown[]];
      return { status: 200, body: [[...this.pairs.values()].map((p) => {
        const info = [...tpl[1]];
        info[3] = p.minSize;
        info[4] = p.maxSize;
        return [p.pair, info];
      })] };
    }
    if (path === 'tickers') {
      return { status: 200, body: [...this.pairs.values()].map((p) => {
        const row = [...fixtureArray('ticker')];
        const b = this.book(`t${p.pair}`);
        row[0] = `t${p.pair}`;
        row[1] = n(b.best('bid') ?? p.last);
        row[3] = n(b.best('ask') ?? p.last);
        row[7] = n(p.last);
        return row;
      }) };
    }
    const m = /^candles\/trade:(\w+):(t[\w:]+)\/hist$/.exec(path);
    if (m) {
      const limit = Number(url.searchParams.get('limit') ?? 120);
      const step = m[1] === '1m' ? 60_000 : m[1] === '1h' ? 3_600_000 : 60_000;
      const now = Math.floor(Date.now() / step) * step;
      const last = n(this.pairs.get(m[2]!.slice(1))?.last ?? '100');
      return { status: 200, body: Array.from({ length: limit }, (_, i) => [now - i * step, last, last, last, last, 1]) };
    }
    return unknownEndpoint;
  }

  private top25(symbol: string): Map<string, [string, string, string]> {
    const b = this.book(symbol);
    const out = new Map<string, [string, string, string]>();
    for (const [p, q] of b.top('bid', 25)) out.set(`b${new Decimal(p).toFixed()}`, ['bid', p, new Decimal(q).toFixed()]);
    for (const [p, q] of b.top('ask', 25)) out.set(`a${new Decimal(p).toFixed()}`, ['ask', p, new Decimal(q).toFixed()]);
    return out;
  }

  private remember(symbol: string): void {
    const v = this.book(symbol).view(20);
    const key = JSON.stringify([v.bids.map((l) => [l.price, l.quantity]), v.asks.map((l) => [l.price, l.quantity])]);
    const seen = this.truths.get(symbol) ?? new Set<string>();
    seen.add(key);
    this.truths.set(symbol, seen);
  }

  /** Bitfinex's checksum: CRC-32 (signed) of `bidPrice:bidAmount:askPrice:askAmount:…` over the top 25, asks negative, numbers as JavaScript prints them. */
  checksum(symbol: string): number {
    const b = this.book(symbol);
    const bids = b.top('bid', 25);
    const asks = b.top('ask', 25);
    const parts: Array<number> = [];
    for (let i = 0; i < 25; i++) {
      if (bids[i]) parts.push(n(bids[i]![0]), n(bids[i]![1]));
      if (asks[i]) parts.push(n(asks[i]![0]), -n(asks[i]![1]));
    }
    return crc32(Buffer.from(parts.join(':'))) | 0;
  }
}
