/**
 * @module venue-fakes/deribit/fake-deribit-market
 * The fake Deribit's market (book state): its instruments, their books in Deribit's units with the `change_id`
 * chain (ids growing by uneven steps), every state each book has been in (in contracts: what a client may show), and
 * the public methods and notifications built from them. What reaches which socket is the transport's business
 * (fake-deribit-server.ts); the market hands it channel and data.
 */
import { Decimal } from 'decimal.js';
import { FakeBook } from '../shared/fake-book.ts';
import { loadFixture } from '../shared/fixtures.ts';
import { DIR, ERR, Refusal, type FakeDeribitInstrument, type Instrument } from './fake-deribit-protocol.ts';

/** Trade ids and sequence numbers: one series for public trades and the accounts' fills, as on Deribit. */
export interface TradeIds {
  nextTradeId: number;
  nextTradeSeq: number;
}

export class FakeDeribitMarket {
  readonly instruments = new Map<string, Instrument>();
  readonly books = new Map<string, FakeBook>();
  /** Every state each book has been in, in contracts (top 20 per side, normalised): what a client may show. */
  readonly truths = new Map<string, Set<string>>();
  private readonly changeIds = new Map<string, number>();
  private bookFaults: Array<'drop' | 'duplicate'> = [];

  constructor(
    private readonly ids: TradeIds,
    private readonly notify: (channel: string, data: unknown) => void,
  ) {}

  addInstrument(i: FakeDeribitInstrument): void {
    const [head = 'BTC'] = i.name.split('-');
    const [base = 'BTC', linearQuote] = head.split('_');
    const kind = i.kind ?? (/-[CP]$/.test(i.name) ? 'option' : 'future');
    const inverse = i.inverse ?? (kind === 'future' && !linearQuote);
    const defaults = kind === 'option' ? { contractSize: '1', tickSize: '0.0005', minTradeAmount: '0.1' } : inverse ? { contractSize: '10', tickSize: '0.5', minTradeAmount: '10' } : { contractSize: '0.001', tickSize: '0.5', minTradeAmount: '0.001' };
    this.instruments.set(i.name, {
      kind, base, quote: linearQuote ?? 'USD', settlement: linearQuote ?? base, inverse, state: 'open', ...defaults, ...i,
      perpetual: i.name.endsWith('-PERPETUAL'),
    });
    this.books.set(i.name, new FakeBook());
    this.changeIds.set(i.name, 1000);
  }

  /** Replaces a book (as one change notification). Amounts in Deribit's units. */
  setBook(name: string, book: { bids: Array<[string, string]>; asks: Array<[string, string]> }): void {
    const b = this.book(name);
    const clear = (m: Map<string, string>) => [...m.keys()].map((p) => [p, '0'] as [string, string]);
    this.pushBook(name, { bids: [...clear(b.bids), ...book.bids], asks: [...clear(b.asks), ...book.asks] });
  }

  /** Applies level changes (amount "0" deletes) and notifies them as one `change`, subject to the fault queue. */
  pushBook(name: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): void {
    const b = this.book(name);
    const levels = (side: 'bid' | 'ask', rows: Array<[string, string]>) =>
      rows.map(([p, q]) => {
        const had = (side === 'bid' ? b.bids : b.asks).has(p);
        b.set(side, p, q);
        const action = new Decimal(q).isZero() ? 'delete' : had ? 'change' : 'new';
        return [action, Number(p), new Decimal(q).isZero() ? 0 : Number(q)];
      });
    const bids = levels('bid', diff.bids ?? []);
    const asks = levels('ask', diff.asks ?? []);
    const prev = this.changeIds.get(name)!;
    const changeId = prev + 1 + ((prev * 7) % 13);
    this.changeIds.set(name, changeId);
    this.remember(name);
    const fault = this.bookFaults.shift();
    if (fault === 'drop') return;
    const data = { type: 'change', timestamp: Date.now(), prev_change_id: prev, instrument_name: name, change_id: changeId, bids, asks };
    this.notify(`book.${name}.100ms`, data);
    if (fault === 'duplicate') this.notify(`book.${name}.100ms`, data);
  }

  /** The next book changes are lost / sent twice. */
  queueBookFaults(...faults: Array<'drop' | 'duplicate'>): void {
    this.bookFaults.push(...faults);
  }

  pushTrade(name: string, t: { price: string; amount: string; direction: 'buy' | 'sell' }): void {
    const price = Number(t.price);
    this.notify(`trades.${name}.100ms`, [{ trade_seq: this.ids.nextTradeSeq++, trade_id: String(this.ids.nextTradeId++), timestamp: Date.now(), tick_direction: 0, price, mark_price: price, instrument_name: name, index_price: price, direction: t.direction, amount: Number(t.amount) }]);
  }

  /** A ticker from the documented example, with the book's best levels and the given prices. */
  pushTicker(name: string, t: { last: string; mark: string; index: string; funding?: string; markIv?: string; greeks?: Record<string, number> }): void {
    const b = this.book(name);
    const [bid] = b.top('bid', 1);
    const [ask] = b.top('ask', 1);
    const row: Record<string, unknown> = {
      ...loadFixture(DIR, 'ticker'), instrument_name: name, timestamp: Date.now(), last_price: Number(t.last), mark_price: Number(t.mark), index_price: Number(t.index),
      best_bid_price: bid ? Number(bid[0]) : null, best_bid_amount: bid ? Number(bid[1]) : 0, best_ask_price: ask ? Number(ask[0]) : null, best_ask_amount: ask ? Number(ask[1]) : 0,
    };
    if (t.funding !== undefined) row.current_funding = Number(t.funding);
    if (t.markIv !== undefined) row.mark_iv = Number(t.markIv);
    if (t.greeks) row.greeks = t.greeks;
    this.notify(`ticker.${name}.100ms`, row);
  }

  pushChartBar(name: string, resolution: string, bar: { tick: number; open: string; high: string; low: string; close: string; volume: string }): void {
    this.notify(`chart.trades.${name}.${resolution}`, { tick: bar.tick, open: Number(bar.open), high: Number(bar.high), low: Number(bar.low), close: Number(bar.close), volume: Number(bar.volume), cost: 0 });
  }

  book(name: string): FakeBook {
    const b = this.books.get(name);
    if (!b) throw new Error(`unknown instrument ${name}`);
    return b;
  }

  private remember(name: string): void {
    const size = this.instruments.get(name)!.contractSize;
    const v = this.book(name).view(20);
    const contracts = (l: { price: string; quantity: string }) => [l.price, new Decimal(l.quantity).div(size).toFixed()];
    const key = JSON.stringify([v.bids.map(contracts), v.asks.map(contracts)]);
    const seen = this.truths.get(name) ?? new Set<string>();
    seen.add(key);
    this.truths.set(name, seen);
  }

  /** A book's snapshot notification (sent on every subscribe). */
  snapshot(name: string): Record<string, unknown> {
    const b = this.book(name);
    const rows = (side: 'bid' | 'ask') => b.top(side, 1000).map(([p, q]) => ['new', Number(p), Number(q)]);
    return { type: 'snapshot', timestamp: Date.now(), instrument_name: name, change_id: this.changeIds.get(name)!, bids: rows('bid'), asks: rows('ask') };
  }

  /** A market channel this market can feed: `book|trades|ticker.<instrument>.<interval>`, `chart.trades.<instrument>.<resolution>`. */
  knows(parts: string[]): boolean {
    if (parts[0] === 'chart') return parts[1] === 'trades' && this.instruments.has(parts[2] ?? '') && parts.length === 4;
    return ['book', 'trades', 'ticker'].includes(parts[0] ?? '') && this.instruments.has(parts[1] ?? '') && ['100ms', 'raw', 'agg2'].includes(parts[2] ?? '');
  }

  /** The public methods (HTTP and WebSocket). */
  publicMethod(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'public/get_time':
        return Date.now();
      case 'public/get_instruments': {
        const currency = String(p.currency ?? 'any');
        const tpl = loadFixture(DIR, 'instrument');
        return [...this.instruments.values()]
          .filter((i) => currency === 'any' || i.settlement === currency || (currency === 'USDC' && i.quote === 'USDC'))
          .filter((i) => p.kind === undefined || p.kind === i.kind)
          .map((i) => this.instrumentRow(tpl, i));
      }
      case 'public/get_tradingview_chart_data': {
        const name = String(p.instrument_name ?? '');
        if (!this.instruments.has(name)) throw new Refusal(ERR.params('instrument_name', 'unknown instrument'));
        const step = p.resolution === '1D' ? 86_400_000 : Number(p.resolution) * 60_000;
        if (!(step > 0)) throw new Refusal(ERR.params('resolution', 'unknown resolution'));
        const start = Math.ceil(Number(p.start_timestamp) / step) * step;
        const end = Math.min(Number(p.end_timestamp), Date.now());
        const ticks: number[] = [];
        for (let t = start; t <= end && ticks.length < 5000; t += step) ticks.push(t);
        const mid = Number(this.book(name).best('bid') ?? '100');
        const col = (f: (i: number) => number) => ticks.map((_, i) => f(i));
        return { status: 'ok', ticks, open: col(() => mid), high: col((i) => mid + (i % 3)), low: col((i) => mid - (i % 2)), close: col(() => mid), volume: col(() => 1.5), cost: col(() => mid * 1.5) };
      }
      default:
        throw new Refusal(ERR.method);
    }
  }

  private instrumentRow(tpl: Record<string, unknown>, i: Instrument): Record<string, unknown> {
    const row: Record<string, unknown> = {
      ...tpl, instrument_name: i.name, kind: i.kind, base_currency: i.base, quote_currency: i.quote, counter_currency: i.quote, settlement_currency: i.settlement,
      contract_size: Number(i.contractSize), tick_size: Number(i.tickSize), min_trade_amount: Number(i.minTradeAmount), state: i.state, is_active: i.state === 'open',
      instrument_type: i.inverse ? 'reversed' : 'linear', settlement_period: i.perpetual ? 'perpetual' : i.kind === 'option' ? 'week' : 'month',
      price_index: `${i.base.toLowerCase()}_${i.quote === 'USDC' ? 'usdc' : 'usd'}`, expiration_timestamp: i.expiry ?? 32503708800000,
    };
    if (i.kind === 'future') row.future_type = row.instrument_type;
    else {
      delete row.future_type;
      delete row.max_leverage;
      row.option_type = i.optionType ?? 'call';
      row.strike = Number(i.strike ?? '0');
    }
    return row;
  }
}
