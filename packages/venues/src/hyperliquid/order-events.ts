/**
 * @module hyperliquid/order-events
 * The connector's orders in flight and what Hyperliquid's account streams say about them, each fact once (kit order
 * tracker). Hyperliquid names an order three ways: our clientOrderId travels as its `cloid` (a hash of it), the
 * venue gives it an `oid`, and fills carry only the `oid`. So:
 *  - `orderUpdates` items are matched by cloid (else oid) and report accepted / cancelled / expired / rejected;
 *    an IOC order's remainder that Hyperliquid cancels is EXPIRED — order updates do not carry the tif, so the IOC
 *    orders we sent are remembered;
 *  - `userFills` are matched by oid; a fill of an order whose oid we have not learnt yet (the fill can beat the
 *    order's answer) is held until we do;
 *  - a cancel we asked for is CANCELLED, not EXPIRED.
 * Every index is bounded (the oldest entries go first), as the tracker itself is.
 */
import type { ExecutionSink, VenueOrder, VenueOrderState } from '@cadenza/domain';
import { OrderTracker, type TrackedOrder } from '../kit/order-tracker.ts';
import { orderState, orderStatusOf, parseOrderUpdate, parseUserFills, toVenueFill, type HyperliquidFill, type HyperliquidOrder } from './parse-account.ts';
import { wire } from './parse.ts';
import { cloidOf } from './signing.ts';

const MAX_INDEXED = 20_000;
/** Fills whose order id we do not know yet are kept this many per account. */
const MAX_PENDING_FILLS = 1000;

/** Adds to a bounded index: past its size the oldest entry goes. */
function put<K, V>(index: Map<K, V>, key: K, value: V): void {
  index.delete(key);
  index.set(key, value);
  if (index.size > MAX_INDEXED) index.delete(index.keys().next().value as K);
}

export class HyperliquidOrders {
  readonly tracker: OrderTracker;
  private readonly byCloid = new Map<string, string>();
  private readonly byOid = new Map<string, string>();
  private readonly flags = new Map<string, { ioc?: boolean; cancelRequested?: boolean }>();
  private readonly pendingFills = new Map<string, HyperliquidFill[]>();

  constructor(sink: ExecutionSink) {
    this.tracker = new OrderTracker(sink);
  }

  /** Tracks an order (or finds it) and answers it with its cloid. */
  track(order: Pick<VenueOrder, 'tradeOrderId' | 'clientOrderId' | 'tradingAccountId' | 'symbol'>): { tracked: TrackedOrder; cloid: string } {
    const tracked = this.tracker.get(order.clientOrderId) ?? this.tracker.track(order, 'USDC');
    const cloid = cloidOf(order.clientOrderId);
    put(this.byCloid, cloid, order.clientOrderId);
    return { tracked, cloid };
  }

  markIoc(clientOrderId: string): void {
    put(this.flags, clientOrderId, { ...this.flags.get(clientOrderId), ioc: true });
  }

  markCancelRequested(clientOrderId: string): void {
    put(this.flags, clientOrderId, { ...this.flags.get(clientOrderId), cancelRequested: true });
  }

  learnOid(tracked: TrackedOrder, oid: string): void {
    tracked.externalOrderId = oid;
    put(this.byOid, oid, tracked.clientOrderId);
  }

  /** The order placed (its answer said resting or filled): accepted, and fills that came first reported. */
  placed(tracked: TrackedOrder, oid: string, timestamp: number): void {
    this.learnOid(tracked, oid);
    this.tracker.emit(tracked, { type: 'accepted', tradeOrderId: tracked.tradeOrderId, tradingAccountId: tracked.tradingAccountId, externalOrderId: oid, timestamp });
    this.flushPending(tracked, oid);
  }

  /** What `queryOrder` answers for an order Hyperliquid has, remembered so the streams do not report it again. */
  state(tracked: TrackedOrder, order: HyperliquidOrder, fills: HyperliquidFill[]): VenueOrderState {
    this.learnOid(tracked, order.oid);
    const state = orderState(this.withTif(tracked, order), fills, this.flags.get(tracked.clientOrderId)?.cancelRequested === true);
    this.tracker.learn(tracked, { externalOrderId: order.oid, accepted: state.status !== 'REJECTED', tradeIds: state.fills.map((f) => f.tradeId), terminal: state.status !== 'OPEN' && state.status !== 'FILLED' });
    return state;
  }

  /** `orderUpdates`: each order's status change, for the orders we track. */
  onOrderUpdates(tradingAccountId: string, data: unknown): void {
    for (const raw of wire.array(data, 'orderUpdates')) {
      const order = parseOrderUpdate(raw);
      const clientOrderId = order.cloid ? this.byCloid.get(order.cloid) : this.byOid.get(order.oid);
      const tracked = clientOrderId ? this.tracker.get(clientOrderId) : undefined;
      if (!tracked || tracked.tradingAccountId !== tradingAccountId) continue;
      this.learnOid(tracked, order.oid);
      this.onStatus(tracked, this.withTif(tracked, order));
      this.flushPending(tracked, order.oid);
    }
  }

  /** `userFills`: the account's fills (the snapshot after subscribing included), each reported once. */
  onUserFills(tradingAccountId: string, data: unknown): void {
    for (const fill of parseUserFills(data).fills) {
      const clientOrderId = this.byOid.get(fill.oid);
      const tracked = clientOrderId ? this.tracker.get(clientOrderId) : undefined;
      if (tracked && tracked.tradingAccountId === tradingAccountId) this.emitFill(tracked, fill);
      else this.hold(tradingAccountId, fill);
    }
  }

  private withTif(tracked: TrackedOrder, order: HyperliquidOrder): HyperliquidOrder {
    return !order.tif && this.flags.get(tracked.clientOrderId)?.ioc ? { ...order, tif: 'Ioc' } : order;
  }

  private onStatus(tracked: TrackedOrder, order: HyperliquidOrder): void {
    const base = { tradeOrderId: tracked.tradeOrderId, tradingAccountId: tracked.tradingAccountId, externalOrderId: order.oid, timestamp: order.statusTimestamp };
    switch (orderStatusOf(order, this.flags.get(tracked.clientOrderId)?.cancelRequested === true)) {
      case 'OPEN':
      case 'FILLED':
        this.tracker.emit(tracked, { ...base, type: 'accepted' });
        return;
      case 'REJECTED':
        this.tracker.emit(tracked, { ...base, type: 'rejected', reason: order.status });
        return;
      case 'CANCELLED':
        this.tracker.emit(tracked, { ...base, type: 'cancelled', reason: order.status });
        return;
      case 'EXPIRED':
        this.tracker.emit(tracked, { ...base, type: 'expired', reason: `IOC remainder cancelled by Hyperliquid (${order.status})` });
        return;
    }
  }

  private emitFill(tracked: TrackedOrder, fill: HyperliquidFill): void {
    this.tracker.emit(tracked, { type: 'filled', tradeOrderId: tracked.tradeOrderId, tradingAccountId: tracked.tradingAccountId, externalOrderId: fill.oid, ...toVenueFill(fill) });
  }

  private hold(tradingAccountId: string, fill: HyperliquidFill): void {
    const held = this.pendingFills.get(tradingAccountId) ?? [];
    held.push(fill);
    if (held.length > MAX_PENDING_FILLS) held.shift();
    this.pendingFills.set(tradingAccountId, held);
  }

  private flushPending(tracked: TrackedOrder, oid: string): void {
    const held = this.pendingFills.get(tracked.tradingAccountId);
    const mine = held?.filter((f) => f.oid === oid) ?? [];
    if (mine.length === 0) return;
    this.pendingFills.set(tracked.tradingAccountId, held!.filter((f) => f.oid !== oid));
    for (const f of mine) this.emitFill(tracked, f);
  }
}
