/**
 * @module venue-fakes/bitfinex/fake-bitfinex-account
 * One API key's exchange wallet on the fake Bitfinex: balances (total / available), orders and trades, and the arrays
 * Bitfinex sends for them (order, trade and wallet arrays at their documented positions, from the fixtures).
 */
import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';

export interface FakeBfxOrder {
  id: number;
  cid: number;
  cidDate: string;
  symbol: string;
  /** Signed original amount. */
  amountOrig: Decimal;
  /** Signed remaining amount. */
  amount: Decimal;
  type: string;
  price: Decimal;
  flags: number;
  status: string;
  created: number;
  updated: number;
}

export interface FakeBfxTrade {
  id: number;
  symbol: string;
  time: number;
  orderId: number;
  execAmount: Decimal;
  price: Decimal;
  orderType: string;
  orderPrice: Decimal;
  maker: boolean;
  fee: Decimal;
  feeCcy: string;
  cid: number;
}

export function fixtureArray(name: string): unknown[] {
  return JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown[];
}

const num = (d: Decimal) => d.toNumber();

export class FakeBitfinexAccount {
  readonly balance = new Map<string, Decimal>();
  readonly reserved = new Map<string, Decimal>();
  readonly orders = new Map<number, FakeBfxOrder>();
  readonly trades: FakeBfxTrade[] = [];
  lastNonce = 0n;

  constructor(
    readonly apiKey: string,
    readonly secret: string,
    balances: Record<string, string>,
  ) {
    for (const [ccy, v] of Object.entries(balances)) this.balance.set(ccy, new Decimal(v));
  }

  byCid(cid: number): FakeBfxOrder | undefined {
    return [...this.orders.values()].find((o) => o.cid === cid);
  }

  available(ccy: string): Decimal {
    return (this.balance.get(ccy) ?? new Decimal(0)).minus(this.reserved.get(ccy) ?? 0);
  }

  add(map: Map<string, Decimal>, ccy: string, v: Decimal): void {
    map.set(ccy, (map.get(ccy) ?? new Decimal(0)).plus(v));
  }

  orderArray(o: FakeBfxOrder): unknown[] {
    const a = [...fixtureArray('order')];
    a[0] = o.id;
    a[2] = o.cid;
    a[3] = o.symbol;
    a[4] = o.created;
    a[5] = o.updated;
    a[6] = num(o.amount);
    a[7] = num(o.amountOrig);
    a[8] = o.type;
    a[12] = o.flags;
    a[13] = o.status;
    a[16] = num(o.price);
    return a;
  }

  tradeArray(t: FakeBfxTrade, withFee: boolean): unknown[] {
    const a = [...fixtureArray('trade')];
    a[0] = t.id;
    a[1] = t.symbol;
    a[2] = t.time;
    a[3] = t.orderId;
    a[4] = num(t.execAmount);
    a[5] = num(t.price);
    a[6] = t.orderType;
    a[7] = num(t.orderPrice);
    a[8] = t.maker ? 1 : -1;
    a[9] = withFee ? num(t.fee.neg()) : null;
    a[10] = withFee ? t.feeCcy : null;
    a[11] = t.cid;
    return a;
  }

  walletArray(ccy: string): unknown[] {
    const a = [...fixtureArray('wallet')];
    a[1] = ccy;
    a[2] = num(this.balance.get(ccy) ?? new Decimal(0));
    a[4] = num(this.available(ccy));
    return a;
  }

  wallets(): unknown[][] {
    return [...new Set([...this.balance.keys(), ...this.reserved.keys()])].map((c) => this.walletArray(c));
  }
}
