/**
 * @module venue-fakes/hyperliquid/fake-trading
 * The private side of the fake Hyperliquid: accounts (a master address, the agent wallets it approved, USDC),
 * `/exchange` actions (`order`, `cancel`, `cancelByCloid`) after the signature check — the signer is recovered from
 * the signature (verify-signature.ts) and must be an approved agent of some account (or the master itself), else the
 * action is refused as Hyperliquid refuses it: `{"status":"err","response":"User or API Wallet 0x… does not exist."}`
 * — and the account's info answers (`orderStatus`, `openOrders`, `userFills(ByTime)`, `clearinghouseState`,
 * `spotClearinghouseState`, `userRole`). Takers match against the book truth; the `orderUpdates` and `userFills`
 * messages they cause go to the account's subscribers through `publish`.
 */
import { Decimal } from 'decimal.js';
import type { FakeMarket } from './fake-market.ts';
import { l1Digest, recoverSigner } from './verify-signature.ts';

export interface FakeHyperliquidAccount {
  /** Agent wallet addresses (lower case) the master approved. */
  agents: string[];
  usdc: string;
}

interface Order {
  oid: number;
  cloid: string | undefined;
  coin: string;
  side: 'B' | 'A';
  limitPx: string;
  sz: string;
  origSz: string;
  tif: string;
  reduceOnly: boolean;
  timestamp: number;
  status: string;
  statusTimestamp: number;
  user: string;
}

type Publish = (user: string, channel: 'orderUpdates' | 'userFills', data: unknown) => void;

const ok = (type: string, statuses: unknown[]) => ({ status: 'ok', response: { type, data: { statuses } } });
const err = (response: string) => ({ status: 'err', response });
const px = (d: Decimal) => d.toFixed();

export class FakeTrading {
  readonly orders = new Map<number, Order>();
  readonly fills = new Map<string, Array<Record<string, unknown>>>();
  private readonly nonces = new Map<string, Set<number>>();
  private readonly positions = new Map<string, Map<string, { szi: Decimal; entry: Decimal }>>();
  private nextOid = 5_000_000;
  /** Every signed action that passed the signature check, with its signer. */
  readonly actions: Array<{ user: string; signer: string; action: Record<string, unknown>; nonce: number }> = [];
  /** Signed actions refused for their signature. */
  refusedSignatures = 0;

  constructor(
    private readonly market: FakeMarket,
    readonly accounts: Map<string, FakeHyperliquidAccount>,
    private readonly source: 'a' | 'b',
    private readonly publish: Publish,
  ) {}

  /** The master a signer acts for: itself when it is a master, the master that approved it when it is an agent. */
  masterOf(signer: string): string | undefined {
    if (this.accounts.has(signer)) return signer;
    for (const [master, a] of this.accounts) if (a.agents.includes(signer)) return master;
    return undefined;
  }

  exchange(body: Record<string, unknown>): unknown {
    const action = body.action as Record<string, unknown> | undefined;
    const nonce = body.nonce;
    if (typeof action !== 'object' || action === null || typeof action.type !== 'string' || typeof nonce !== 'number') return err('Failed to deserialize the JSON body into the target type');
    const signer = recoverSigner(l1Digest(action, nonce, body.vaultAddress as string | null | undefined, this.source), (body.signature ?? {}) as Record<string, unknown>);
    const user = signer ? this.masterOf(signer) : undefined;
    if (!signer || !user) {
      this.refusedSignatures++;
      return err(`User or API Wallet ${signer ?? '0x0000000000000000000000000000000000000000'} does not exist.`);
    }
    const seen = this.nonces.get(signer) ?? new Set<number>();
    if (seen.has(nonce)) return err(`Invalid nonce: duplicate nonce ${nonce}`);
    seen.add(nonce);
    this.nonces.set(signer, seen);
    this.actions.push({ user, signer, action, nonce });
    switch (action.type) {
      case 'order':
        return ok('order', (action.orders as Array<Record<string, unknown>>).map((o) => this.place(user, o)));
      case 'cancel':
        return ok('cancel', (action.cancels as Array<{ a: number; o: number }>).map((c) => this.cancel(user, (o) => o.oid === c.o && this.market.assetOf(o.coin) === c.a)));
      case 'cancelByCloid':
        return ok('cancel', (action.cancels as Array<{ asset: number; cloid: string }>).map((c) => this.cancel(user, (o) => o.cloid === c.cloid && this.market.assetOf(o.coin) === c.asset)));
      default:
        return err(`Unknown action type ${action.type}`);
    }
  }

  private place(user: string, w: Record<string, unknown>): unknown {
    const coin = this.market.coinOf(w.a as number);
    if (!coin) return { error: `Invalid asset ${String(w.a)}` };
    const tif = ((w.t as { limit?: { tif?: string } }).limit?.tif ?? 'Gtc') as string;
    const price = new Decimal(w.p as string);
    const size = new Decimal(w.s as string);
    const maxDecimals = (this.market.isSpot(coin) ? 8 : 6) - this.market.szDecimalsOf(coin);
    const sig = (w.p as string).replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
    if (price.decimalPlaces() > maxDecimals || (!price.isInteger() && sig > 5)) return { error: 'Order has invalid price.' };
    if (size.decimalPlaces() > this.market.szDecimalsOf(coin) || size.lte(0)) return { error: 'Order has invalid size.' };
    if (price.mul(size).lt(10)) return { error: `Order must have minimum value of $10. asset=${String(w.a)}` };
    const buy = w.b === true;
    const book = this.market.book(coin);
    const crosses = () => {
      const best = book.best(buy ? 'ask' : 'bid');
      return best !== undefined && (buy ? price.gte(best) : price.lte(best));
    };
    if (tif === 'Alo' && crosses()) return { error: `Post only order would have immediately matched, bbo was ${book.best('bid') ?? ''}@${book.best('ask') ?? ''}. asset=${String(w.a)}` };
    const now = Date.now();
    const order: Order = { oid: ++this.nextOid, cloid: w.c as string | undefined, coin, side: buy ? 'B' : 'A', limitPx: w.p as string, sz: size.toFixed(), origSz: size.toFixed(), tif, reduceOnly: w.r === true, timestamp: now, status: 'open', statusTimestamp: now, user };
    let left = size;
    let cost = new Decimal(0);
    const fills: Array<Record<string, unknown>> = [];
    while (left.gt(0) && crosses()) {
      const [levelPx, levelSz] = book.top(buy ? 'ask' : 'bid', 1)[0]!;
      const take = Decimal.min(left, levelSz);
      book.set(buy ? 'ask' : 'bid', levelPx, new Decimal(levelSz).minus(take).toFixed());
      left = left.minus(take);
      cost = cost.plus(take.mul(levelPx));
      fills.push(this.fill(order, levelPx, take, true));
    }
    if (tif === 'Ioc' && fills.length === 0) return { error: `Order could not immediately match against any resting orders. asset=${String(w.a)}` };
    order.sz = left.toFixed();
    this.orders.set(order.oid, order);
    if (left.isZero()) order.status = 'filled';
    else if (tif === 'Ioc') order.status = 'canceled';
    this.publish(user, 'orderUpdates', [this.update(order)]);
    if (fills.length > 0) this.publish(user, 'userFills', { user, fills });
    if (fills.length > 0) return { filled: { totalSz: size.minus(left).toFixed(), avgPx: px(cost.div(size.minus(left))), oid: order.oid, ...(order.cloid ? { cloid: order.cloid } : {}) } };
    return { resting: { oid: order.oid, ...(order.cloid ? { cloid: order.cloid } : {}) } };
  }

  private cancel(user: string, match: (o: Order) => boolean): unknown {
    const order = [...this.orders.values()].find((o) => o.user === user && o.status === 'open' && match(o));
    if (!order) return { error: 'Order was never placed, already canceled, or filled.' };
    order.status = 'canceled';
    order.statusTimestamp = Date.now();
    this.publish(user, 'orderUpdates', [this.update(order)]);
    return 'success';
  }

  /** Fills a resting order (in full, or `size` of it) at its limit price, as a taker arriving would. */
  fillResting(user: string, oid: number, size?: string): void {
    const order = this.orders.get(oid);
    if (!order || order.user !== user || order.status !== 'open') throw new Error(`no open order ${oid} of ${user}`);
    const take = size ? new Decimal(size) : new Decimal(order.sz);
    const fill = this.fill(order, order.limitPx, take, false);
    order.sz = new Decimal(order.sz).minus(take).toFixed();
    if (new Decimal(order.sz).isZero()) order.status = 'filled';
    order.statusTimestamp = Date.now();
    this.publish(user, 'orderUpdates', [this.update(order)]);
    this.publish(user, 'userFills', { user, fills: [fill] });
  }

  private fill(order: Order, price: string, size: Decimal, crossed: boolean): Record<string, unknown> {
    const fee = size.mul(price).mul(crossed ? '0.00045' : '0.00015');
    const buy = order.side === 'B';
    const pos = this.position(order.user, order.coin);
    const start = pos.szi;
    const signed = buy ? size : size.neg();
    if (start.isZero() || start.isNeg() === signed.isNeg()) pos.entry = start.abs().mul(pos.entry).plus(size.mul(price)).div(start.abs().plus(size));
    pos.szi = start.plus(signed);
    const f = {
      coin: order.coin, px: price, sz: size.toFixed(), side: order.side, time: Date.now(), startPosition: start.toFixed(), dir: buy ? 'Open Long' : 'Open Short', closedPnl: '0.0',
      hash: `0x${order.oid.toString(16).padStart(64, '0')}`, oid: order.oid, crossed, fee: fee.toDecimalPlaces(6).toFixed(), tid: this.market.nextTid(), feeToken: 'USDC',
    };
    const list = this.fills.get(order.user) ?? [];
    list.push(f);
    this.fills.set(order.user, list);
    return f;
  }

  private position(user: string, coin: string): { szi: Decimal; entry: Decimal } {
    const all = this.positions.get(user) ?? new Map<string, { szi: Decimal; entry: Decimal }>();
    this.positions.set(user, all);
    let p = all.get(coin);
    if (!p) {
      p = { szi: new Decimal(0), entry: new Decimal(0) };
      all.set(coin, p);
    }
    return p;
  }

  update(o: Order): Record<string, unknown> {
    return { order: { coin: o.coin, side: o.side, limitPx: o.limitPx, sz: o.sz, oid: o.oid, timestamp: o.timestamp, origSz: o.origSz, ...(o.cloid ? { cloid: o.cloid } : {}) }, status: o.status, statusTimestamp: o.statusTimestamp };
  }

  /** The account's `/info` answers; undefined when `type` is not one of them. */
  info(body: Record<string, unknown>): unknown {
    const user = typeof body.user === 'string' ? body.user.toLowerCase() : '';
    switch (body.type) {
      case 'orderStatus': {
        const o = [...this.orders.values()].find((x) => x.user === user && (x.oid === body.oid || (x.cloid !== undefined && x.cloid === body.oid)));
        return o ? { status: 'order', order: { order: { ...(this.update(o).order as object), tif: o.tif, reduceOnly: o.reduceOnly, orderType: 'Limit', isTrigger: false, triggerPx: '0.0', triggerCondition: 'N/A', children: [], isPositionTpsl: false }, status: o.status, statusTimestamp: o.statusTimestamp } } : { status: 'unknownOid' };
      }
      case 'openOrders':
        return [...this.orders.values()].filter((o) => o.user === user && o.status === 'open').map((o) => ({ coin: o.coin, limitPx: o.limitPx, oid: o.oid, side: o.side, sz: o.sz, timestamp: o.timestamp, origSz: o.origSz, ...(o.cloid ? { cloid: o.cloid } : {}) }));
      case 'userFills':
        return [...(this.fills.get(user) ?? [])].reverse();
      case 'userFillsByTime':
        return (this.fills.get(user) ?? []).filter((f) => (f.time as number) >= (body.startTime as number));
      case 'userRole': {
        if (this.accounts.has(user)) return { role: 'user' };
        const master = this.masterOf(user);
        return master ? { role: 'agent', data: { user: master } } : { role: 'missing' };
      }
      case 'clearinghouseState':
        return this.clearinghouse(user);
      case 'spotClearinghouseState':
        return { balances: this.accounts.has(user) ? [{ coin: 'USDC', token: 0, hold: '0.0', total: this.accounts.get(user)!.usdc, entryNtl: '0.0' }] : [] };
      default:
        return undefined;
    }
  }

  private clearinghouse(user: string): Record<string, unknown> {
    const value = this.accounts.get(user)?.usdc ?? '0.0';
    const assetPositions = [...(this.positions.get(user) ?? new Map<string, { szi: Decimal; entry: Decimal }>())]
      .filter(([, p]) => !p.szi.isZero())
      .map(([coin, p]) => ({ type: 'oneWay', position: { coin, szi: p.szi.toFixed(), entryPx: p.entry.toDecimalPlaces(6).toFixed(), positionValue: p.szi.abs().mul(p.entry).toFixed(), unrealizedPnl: '0.0', returnOnEquity: '0.0', liquidationPx: null, marginUsed: p.szi.abs().mul(p.entry).div(20).toDecimalPlaces(6).toFixed(), leverage: { type: 'cross', value: 20 }, maxLeverage: 50, cumFunding: { allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' } } }));
    const summary = { accountValue: value, totalNtlPos: '0.0', totalRawUsd: value, totalMarginUsed: '0.0' };
    return { marginSummary: summary, crossMarginSummary: summary, crossMaintenanceMarginUsed: '0.0', withdrawable: value, assetPositions, time: Date.now() };
  }
}
