/**
 * @module venue-fakes/hyperliquid/fake-market
 * The public side of the fake Hyperliquid: its perpetuals and spot pairs (`meta`, `spotMeta` and their asset
 * contexts, in the docs' shapes), each coin's book truth and its `l2Book` snapshots (whole books, `time` strictly
 * increasing), trades and candles. Resting orders of accounts are not shown in the public book (the fake's
 * simplification); takers match against the book truth (fake-trading.ts).
 */
import { FakeBook } from '../shared/fake-book.ts';

export interface FakePerp {
  name: string;
  szDecimals: number;
  maxLeverage?: number;
  markPx: string;
}

export interface FakeSpotPair {
  base: string;
  quote: string;
  szDecimals: number;
  markPx: string;
}

export type Side = Array<[string, string]>;

export class FakeMarket {
  readonly books = new Map<string, FakeBook>();
  private readonly times = new Map<string, number>();
  readonly candles = new Map<string, Array<Record<string, unknown>>>();
  private tid = 1_000_000;

  constructor(
    readonly perps: readonly FakePerp[],
    readonly spot: readonly FakeSpotPair[],
  ) {}

  /** The asset number of a coin (perps: index; spot: 10000 + pair index), or undefined. */
  assetOf(coin: string): number | undefined {
    const perp = this.perps.findIndex((p) => p.name === coin);
    if (perp >= 0) return perp;
    const pair = this.spot.findIndex((_, i) => this.spotCoin(i) === coin);
    return pair >= 0 ? 10_000 + pair : undefined;
  }

  coinOf(asset: number): string | undefined {
    return asset >= 10_000 ? (this.spot[asset - 10_000] ? this.spotCoin(asset - 10_000) : undefined) : this.perps[asset]?.name;
  }

  szDecimalsOf(coin: string): number {
    const a = this.assetOf(coin)!;
    return a >= 10_000 ? this.spot[a - 10_000]!.szDecimals : this.perps[a]!.szDecimals;
  }

  isSpot(coin: string): boolean {
    return (this.assetOf(coin) ?? 0) >= 10_000;
  }

  /** Spot pair i on the wire: the first pair is named "BASE/QUOTE" (as PURR/USDC is), the others "@i". */
  spotCoin(i: number): string {
    return i === 0 ? `${this.spot[0]!.base}/${this.spot[0]!.quote}` : `@${i}`;
  }

  book(coin: string): FakeBook {
    let b = this.books.get(coin);
    if (!b) {
      b = new FakeBook();
      this.books.set(coin, b);
    }
    return b;
  }

  /** A snapshot time later than every earlier one of the coin. */
  nextTime(coin: string): number {
    const t = Math.max(Date.now(), (this.times.get(coin) ?? 0) + 1);
    this.times.set(coin, t);
    return t;
  }

  /** The `l2Book` payload of a coin (up to 20 levels a side), at a fresh time unless `time` is given. */
  l2Book(coin: string, time = this.nextTime(coin)): Record<string, unknown> {
    const b = this.book(coin);
    const side = (s: 'bid' | 'ask') => b.top(s, 20).map(([px, sz]) => ({ px, sz, n: 1 }));
    return { coin, time, levels: [side('bid'), side('ask')] };
  }

  nextTid(): number {
    return ++this.tid;
  }

  meta(): Record<string, unknown> {
    return { universe: this.perps.map((p) => ({ name: p.name, szDecimals: p.szDecimals, maxLeverage: p.maxLeverage ?? 50, marginTableId: p.maxLeverage ?? 50 })), marginTables: [] };
  }

  metaAndAssetCtxs(): unknown[] {
    return [this.meta(), this.perps.map((p) => ({ funding: '0.0000125', openInterest: '1000.0', prevDayPx: p.markPx, dayNtlVlm: '1000000.0', premium: '0.0', oraclePx: p.markPx, markPx: p.markPx, midPx: p.markPx, impactPxs: [p.markPx, p.markPx], dayBaseVlm: '100.0' }))];
  }

  spotMeta(): Record<string, unknown> {
    const names = [...new Set(this.spot.flatMap((p) => [p.quote, p.base]))];
    const tokens = names.map((name, index) => ({ name, szDecimals: name === 'USDC' ? 8 : this.spot.find((p) => p.base === name)!.szDecimals, weiDecimals: 8, index, tokenId: `0x${index.toString(16).padStart(32, '0')}`, isCanonical: true, evmContract: null, fullName: null }));
    const universe = this.spot.map((p, index) => ({ name: this.spotCoin(index), tokens: [names.indexOf(p.base), names.indexOf(p.quote)], index, isCanonical: index === 0 }));
    return { tokens, universe };
  }

  spotMetaAndAssetCtxs(): unknown[] {
    return [this.spotMeta(), this.spot.map((p, i) => ({ dayNtlVlm: '1000.0', markPx: p.markPx, midPx: p.markPx, prevDayPx: p.markPx, circulatingSupply: '1000000', coin: this.spotCoin(i) }))];
  }

  /**
   * Candles of a coin and interval within [start, end] (`candleSnapshot`): the ones pushed, else flat bars at the mark
   * price for every step of the range (the last one still forming), at most 5000 as Hyperliquid answers.
   */
  candleSnapshot(coin: string, interval: string, ms: number, start: number, end: number): Array<Record<string, unknown>> {
    const pushed = this.candles.get(`${coin}:${interval}`);
    if (pushed) return pushed.filter((c) => (c.t as number) >= start && (c.t as number) <= end);
    const a = this.assetOf(coin);
    if (a === undefined) return [];
    const mark = a >= 10_000 ? this.spot[a - 10_000]!.markPx : this.perps[a]!.markPx;
    const out: Array<Record<string, unknown>> = [];
    for (let t = Math.ceil(start / ms) * ms; t <= end && out.length < 5000; t += ms) out.push({ t, T: t + ms - 1, s: coin, i: interval, o: mark, c: mark, h: mark, l: mark, v: '1.0', n: 1 });
    return out;
  }

  /** Records a candle (replacing the one of the same open time) and answers its wire form. */
  putCandle(coin: string, interval: string, ms: number, bar: { t: number; o: string; h: string; l: string; c: string; v: string; n?: number }): Record<string, unknown> {
    const key = `${coin}:${interval}`;
    const list = (this.candles.get(key) ?? []).filter((c) => c.t !== bar.t);
    const candle = { t: bar.t, T: bar.t + ms - 1, s: coin, i: interval, o: bar.o, c: bar.c, h: bar.h, l: bar.l, v: bar.v, n: bar.n ?? 1 };
    list.push(candle);
    list.sort((a, b) => (a.t as number) - (b.t as number));
    this.candles.set(key, list);
    return candle;
  }
}
