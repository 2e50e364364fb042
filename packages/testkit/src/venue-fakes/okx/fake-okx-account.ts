/**
 * @module venue-fakes/okx/fake-okx-account
 * One API key's spot account on the fake OKX: balances (available / frozen), orders and fills, changed the way OKX
 * documents — limit orders freeze funds and rest, market orders and marketable limits fill at once against the book,
 * fills carry a trade id, a bill id and a fee (negative = charged) in the received currency. Every change is
 * returned as the order row OKX would push on the `orders` channel.
 */
import { Decimal } from 'decimal.js';
import { loadFixture } from '../shared/fixtures.ts';

export interface FakeOkxOrder {
  instId: string;
  ordId: string;
  clOrdId: string;
  side: 'buy' | 'sell';
  ordType: string;
  px: string;
  sz: string;
  tgtCcy: string;
  state: 'live' | 'partially_filled' | 'filled' | 'canceled';
  accFillSz: Decimal;
  cost: Decimal;
  cTime: number;
  uTime: number;
  cancelSource: string;
}

export interface FakeOkxFill {
  instId: string;
  ordId: string;
  clOrdId: string;
  tradeId: string;
  billId: string;
  side: 'buy' | 'sell';
  fillPx: string;
  fillSz: string;
  fee: string;
  feeCcy: string;
  execType: 'T' | 'M';
  ts: number;
}

export const FEE_RATE = new Decimal('0.001');

export class FakeOkxAccount {
  readonly available = new Map<string, Decimal>();
  readonly frozen = new Map<string, Decimal>();
  readonly orders = new Map<string, FakeOkxOrder>();
  readonly fills: FakeOkxFill[] = [];

  constructor(
    readonly apiKey: string,
    readonly secret: string,
    readonly passphrase: string,
    balances: Record<string, string>,
  ) {
    for (const [ccy, v] of Object.entries(balances)) this.available.set(ccy, new Decimal(v));
  }

  byClOrdId(clOrdId: string): FakeOkxOrder | undefined {
    return [...this.orders.values()].find((o) => o.clOrdId === clOrdId);
  }

  balanceRow(now: number): Record<string, unknown> {
    const tpl = loadFixture(new URL('./', import.meta.url), 'balance');
    const detailTpl = (tpl.details as Array<Record<string, unknown>>)[0]!;
    const ccys = new Set([...this.available.keys(), ...this.frozen.keys()]);
    const details = [...ccys].map((ccy) => {
      const avail = this.available.get(ccy) ?? new Decimal(0);
      const frozen = this.frozen.get(ccy) ?? new Decimal(0);
      const eq = avail.plus(frozen).toFixed();
      return { ...detailTpl, ccy, availBal: avail.toFixed(), frozenBal: frozen.toFixed(), cashBal: eq, eq, availEq: avail.toFixed(), uTime: String(now) };
    });
    return { ...tpl, details, uTime: String(now) };
  }

  orderRow(o: FakeOkxOrder, fill?: FakeOkxFill): Record<string, unknown> {
    const tpl = (loadFixture(new URL('./', import.meta.url), 'order-push').data as Array<Record<string, unknown>>)[0]!;
    const avgPx = o.accFillSz.isZero() ? '' : o.cost.div(o.accFillSz).toFixed();
    return {
      ...tpl,
      instId: o.instId,
      ordId: o.ordId,
      clOrdId: o.clOrdId,
      side: o.side,
      ordType: o.ordType,
      px: o.px,
      sz: o.sz,
      tgtCcy: o.tgtCcy,
      state: o.state,
      accFillSz: o.accFillSz.toFixed(),
      avgPx,
      cancelSource: o.cancelSource,
      cTime: String(o.cTime),
      uTime: String(o.uTime),
      tradeId: fill?.tradeId ?? '',
      fillPx: fill?.fillPx ?? '',
      fillSz: fill?.fillSz ?? '0',
      fillTime: fill ? String(fill.ts) : '',
      fillFee: fill?.fee ?? '0',
      fillFeeCcy: fill?.feeCcy ?? '',
      fee: fill?.fee ?? '0',
      feeCcy: fill?.feeCcy ?? '',
      execType: fill?.execType ?? '',
    };
  }

  fillRow(f: FakeOkxFill): Record<string, unknown> {
    return { ...loadFixture(new URL('./', import.meta.url), 'fill'), ...f, fillTime: String(f.ts), ts: String(f.ts) };
  }

  add(ccy: string, map: Map<string, Decimal>, v: Decimal): void {
    map.set(ccy, (map.get(ccy) ?? new Decimal(0)).plus(v));
  }
}
