/**
 * @module orders/order-lists
 * Order lists — OCO, OTO, OTOCO — emulated by Cadenza on any venue (docs/extensions.md, "Order lists").
 *
 * A list is orders sharing an `orderListId`, each with its `orderListRole`:
 * - OCO: a TAKE_PROFIT limit order working at the venue and a STOP_LOSS held by Cadenza (`emulated`, ARMED) that
 *   watches the venue's trades. Only one leg is ever at the venue: when the stop triggers, the take-profit is cancelled
 *   first and the stop goes to the venue (MARKET, or LIMIT at `stopLossLimitPrice`) only if the take-profit has not
 *   traded. A fill of either leg, or either closing, cancels the other.
 * - OTO / OTOCO: the ENTRY works at the venue; its child (OTO: the take-profit or the stop-loss; OTOCO: both, as an
 *   OCO) waits, recorded as CREATED and held by Cadenza (PENDING), on the opposite side. When the entry closes having
 *   traded, the children take the quantity it bought (net of fees taken in the base asset) or sold and start working;
 *   when it closes without a fill they are cancelled.
 *
 * Durability: every leg is an order in the store from the submit on, and every step (armed, triggered, sent) is an
 * order change committed before the venue hears of it. After a restart `rearm` picks up where the list was: children
 * whose entry closed are activated, triggered stops finish their hand-over, armed stops watch again. A held leg locks
 * nothing; what it needs is checked and locked when it goes to the venue. An armed stop holds its instrument's trade
 * and book streams (market-data/market-holds.ts: a live venue runs them only while held) until it triggers or ends.
 */
import type { RpcTradeOrder, RpcTradeOrderWithExtensions } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { CallerContext } from '../model/caller.ts';
import { dec, floorTo, str } from '../model/decimal.ts';
import type { TradeTick } from '../model/market-data.ts';
import type { MarketStreamHolds } from '../market-data/market-holds.ts';
import type { ContingencyType, Order, OrderListRole } from '../model/order.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import type { OpenOrders } from './open-orders.ts';
import type { HeldOrders } from './held-orders.ts';
import type { OrderDesk, SubmitOrderRequest } from './order-desk.ts';
import type { OrderLedger } from './order-ledger.ts';
import { isTerminal } from './status-machine.ts';
import { placeNativeList, placesNatively, type NativeLeg, type NativeListDeps } from './native-order-list.ts';

const TYPES: ReadonlySet<string> = new Set(['OCO', 'OTO', 'OTOCO']);
/** The list's own fields, which its entry order does not carry. */
const LIST_FIELDS = ['contingencyType', 'takeProfitPrice', 'takeProfitLimitPrice', 'takeProfitTimeInForce', 'stopLossPrice', 'stopLossLimitPrice', 'stopLossTimeInForce'] as const;
const bad = (message: string) => new DomainError('INVALID_ORDER_PARAMETERS', message);

export interface OrderListsDeps extends NativeListDeps {
  /** Sends a held leg when its moment comes. */
  held: HeldOrders;
  instruments: InstrumentCatalog;
  market: MarketStreamHolds;
}

export class OrderLists {
  /** Armed stops by instrument: what each trade of the instrument is checked against. */
  private readonly armed = new Map<string, Set<string>>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: OrderListsDeps,
  ) {}

  /** A submit naming a `contingencyType`: the list's legs, answering its first working leg (ENTRY, or TAKE_PROFIT). */
  async submit(caller: CallerContext, req: SubmitOrderRequest): Promise<Order> {
    const t = req.tradeOrder as RpcTradeOrderWithExtensions;
    const type = t.contingencyType as string;
    if (!TYPES.has(type)) throw bad(`tradeOrder.contingencyType must be OCO, OTO or OTOCO`);
    const tp = t.takeProfitPrice;
    const sl = t.stopLossPrice;
    if ((type === 'OCO' || type === 'OTOCO') && (!tp || !sl)) throw bad(`an ${type} list needs takeProfitPrice and stopLossPrice`);
    if (type === 'OTO' && Boolean(tp) === Boolean(sl)) throw bad('an OTO list needs takeProfitPrice or stopLossPrice (both: OTOCO)');
    if (!t.instrumentId || !t.quantity) throw bad('an order list needs tradeOrder.instrumentId and tradeOrder.quantity');
    if (t.orderSide !== 'BUY' && t.orderSide !== 'SELL') throw bad('tradeOrder.orderSide must be BUY or SELL');

    const orderListId = this.ctx.ids.uuid();
    const fields: Partial<Order> = { orderListId, contingencyType: type as ContingencyType };
    for (const k of ['takeProfitPrice', 'takeProfitLimitPrice', 'takeProfitTimeInForce', 'stopLossPrice', 'stopLossLimitPrice', 'stopLossTimeInForce'] as const) {
      const v = t[k];
      if (v !== undefined && v !== null) fields[k] = v;
    }
    const leg = (role: OrderListRole, extra: Partial<Order> = {}) => ({ ...fields, ...extra, orderListRole: role });
    // The legs' clientOrderIds: 32 letters and digits, which every venue takes (OKX takes no more, nor a dash).
    const tag = orderListId.replace(/-/g, '').slice(0, 30);
    const base = { tradingAccountId: req.tradingAccountId };
    const exit = (side: 'BUY' | 'SELL', quantity: string) => ({
      tp: { instrumentId: t.instrumentId, orderSide: side, orderType: 'LIMIT', quantity, limitPrice: t.takeProfitLimitPrice ?? tp, timeInForce: t.takeProfitTimeInForce ?? 'GTC', clientOrderId: `${tag}tp` } as RpcTradeOrder,
      sl: {
        instrumentId: t.instrumentId, orderSide: side, orderType: t.stopLossLimitPrice ? 'STOP_LOSS_LIMIT' : 'STOP_LOSS', quantity, stopPrice: sl,
        ...(t.stopLossLimitPrice ? { limitPrice: t.stopLossLimitPrice } : {}), timeInForce: t.stopLossTimeInForce ?? 'GTC', clientOrderId: `${tag}sl`,
      } as RpcTradeOrder,
    });

    const venueId = this.deps.instruments.get(t.instrumentId)?.spec.venue;
    const venue = venueId !== undefined ? this.ctx.venues.get(venueId) : undefined;
    if (placesNatively(venue, type as ContingencyType, t.orderType ?? undefined)) {
      // The venue runs the list (native-order-list.ts): the legs as the emulation would make them, sent together.
      const native: NativeLeg[] = [];
      if (type === 'OCO') {
        const legs = exit(t.orderSide, t.quantity);
        if (t.clientOrderId) legs.tp.clientOrderId = t.clientOrderId;
        this.refuseImmediateStop(t.instrumentId, t.orderSide, sl!);
        native.push({ role: 'TAKE_PROFIT', request: { ...base, tradeOrder: legs.tp, leg: { fields: leg('TAKE_PROFIT') } }, funds: true });
        native.push({ role: 'STOP_LOSS', request: { ...base, tradeOrder: legs.sl, leg: { fields: leg('STOP_LOSS') } }, funds: false });
      } else {
        const entryOrder: RpcTradeOrder = { ...t };
        for (const k of LIST_FIELDS) delete (entryOrder as RpcTradeOrderWithExtensions)[k];
        const legs = exit(t.orderSide === 'BUY' ? 'SELL' : 'BUY', t.quantity);
        native.push({ role: 'ENTRY', request: { ...base, tradeOrder: entryOrder, leg: { fields: leg('ENTRY') } }, funds: true });
        if (tp) native.push({ role: 'TAKE_PROFIT', request: { ...base, tradeOrder: legs.tp, leg: { fields: leg('TAKE_PROFIT') } }, funds: false });
        if (sl) native.push({ role: 'STOP_LOSS', request: { ...base, tradeOrder: legs.sl, leg: { fields: leg('STOP_LOSS') } }, funds: false });
      }
      const key = req.idempotencyKey ?? t.idempotencyKey;
      if (key !== undefined) native[0]!.request.idempotencyKey = key;
      const repeat = key !== undefined ? this.deps.live.duplicateOf(req.tradingAccountId, key, undefined) : undefined;
      if (repeat !== undefined) return this.answer(req, await this.deps.live.latest(repeat));
      const placed = await placeNativeList(this.ctx, this.deps, caller, venue, { orderListId, contingencyType: type as ContingencyType, tradingAccountId: req.tradingAccountId }, native);
      return this.answer(req, placed[0]!);
    }

    if (type === 'OCO') {
      const legs = exit(t.orderSide, t.quantity);
      if (t.clientOrderId) legs.tp.clientOrderId = t.clientOrderId;
      const key = req.idempotencyKey ?? t.idempotencyKey;
      const repeat = key !== undefined ? await this.repeated(caller, req, legs.tp, key) : undefined;
      if (repeat) return repeat;
      this.refuseImmediateStop(t.instrumentId, t.orderSide, sl!);
      // The stop first: it is only recorded, so a refusal leaves nothing behind; then the take-profit at the venue.
      const stop = await this.deps.desk.submit(caller, { ...base, tradeOrder: legs.sl, leg: { fields: leg('STOP_LOSS'), hold: 'ARMED' } });
      let working: Order;
      try {
        working = await this.deps.desk.submit(caller, { ...base, tradeOrder: legs.tp, ...(key !== undefined ? { idempotencyKey: key } : {}), leg: { fields: leg('TAKE_PROFIT') } });
      } catch (err) {
        this.closeHeld(stop, 'the take-profit of the list was refused');
        throw err;
      }
      if (isTerminal(working.status) && dec(working.executedQuantity).isZero()) this.closeHeld(stop, `the take-profit of the list was ${working.status}`);
      return this.answer(req, working);
    }

    const entryOrder: RpcTradeOrder = { ...t };
    for (const k of LIST_FIELDS) delete (entryOrder as RpcTradeOrderWithExtensions)[k];
    // The entry answers at once (the list's children are made after it): awaitClosed waits for the list's answer.
    const { awaitClosed: _wait, ...entryReq } = req;
    const entry = await this.deps.desk.submit(caller, { ...entryReq, tradeOrder: entryOrder, leg: { fields: leg('ENTRY') } });
    if (entry.orderListId !== orderListId) return entry; // a repeated submit: its list already exists
    if (entry.status === 'REJECTED') return this.answer(req, entry);
    const legs = exit(t.orderSide === 'BUY' ? 'SELL' : 'BUY', t.quantity);
    const child = { parentTradeOrderId: entry.tradeOrderId };
    const children: Array<[OrderListRole, RpcTradeOrder]> = [];
    if (tp) children.push(['TAKE_PROFIT', legs.tp]);
    if (sl) children.push(['STOP_LOSS', legs.sl]);
    try {
      for (const [role, order] of children) await this.deps.desk.submit(caller, { ...base, tradeOrder: order, leg: { fields: leg(role, child), hold: 'PENDING' } });
    } catch (err) {
      // A child the checks refuse (a price off the tick, …): the list cannot be made whole, so none of it works.
      for (const o of this.legs(orderListId)) if (o.emulated) this.closeHeld(o, 'the order list was refused');
      const cur = this.deps.live.openOrder(entry.tradeOrderId);
      if (cur) await this.deps.desk.cancel(owner(cur), { tradingAccountId: cur.tradingAccountId, tradeOrderId: cur.tradeOrderId }).catch(() => undefined);
      throw err;
    }
    // The entry may have closed already (a MARKET entry): its children start now.
    await this.react(entry.tradeOrderId);
    return this.answer(req, this.deps.live.current(entry.tradeOrderId));
  }

  /** An order of a list changed (called once its change is committed). */
  changed(o: Order): void {
    // A list its venue placed natively is the venue's to run.
    if (o.orderListId === undefined || o.listAtVenue) return;
    this.track(o);
    // Out of the venue's call stack: venues report inside their own commands.
    queueMicrotask(() => void this.react(o.tradeOrderId).catch((err: unknown) => this.ctx.log.error({ err, tradeOrderId: o.tradeOrderId }, 'order list step failed')));
  }

  /** A trade on a venue: fires the armed stops it reaches. */
  onTrade(trade: TradeTick): void {
    const ids = this.armed.get(trade.instrumentId);
    if (!ids) return;
    const price = dec(trade.price);
    for (const id of ids) {
      const o = this.deps.live.openOrder(id);
      if (!o?.stopPrice) continue;
      const stop = dec(o.stopPrice);
      if (o.side === 'SELL' ? price.lte(stop) : price.gte(stop)) {
        ids.delete(id);
        queueMicrotask(() => void this.fire(id).catch((err: unknown) => this.ctx.log.error({ err, tradeOrderId: id }, 'order list stop failed')));
      }
    }
  }

  /** After a restart: activates children whose entry closed, finishes triggered stops, watches armed ones again. */
  async rearm(): Promise<void> {
    for (const o of this.deps.live.openOrders()) {
      if (o.orderListId === undefined || !o.emulated) continue;
      this.track(o);
      if (o.triggeredAt !== undefined) {
        // Its MARKET order is priced from the book, which a live venue has again only once held.
        await this.deps.market.bookReady(o.venue, o.symbol);
        await this.handOver(o.tradeOrderId);
      } else if (o.status === 'CREATED' && o.parentTradeOrderId !== undefined) {
        const parent = await this.deps.live.stored(o.parentTradeOrderId);
        if (!parent) this.closeHeld(o, 'the entry of the list is gone');
        else if (isTerminal(parent.status)) await this.activate(parent);
      }
    }
  }

  private async react(id: string): Promise<void> {
    const o = this.deps.live.find(id);
    if (!o?.orderListId) return;
    if (o.orderListRole === 'ENTRY') {
      if (isTerminal(o.status)) await this.activate(o);
      return;
    }
    if (o.status === 'CREATED') return;
    const traded = dec(o.executedQuantity).gt(0);
    if (!traded && !isTerminal(o.status)) return;
    // One leg traded or closed: the others of the exit pair go — except a stop handing over (it cancels them itself).
    const reason = `the ${o.orderListRole === 'TAKE_PROFIT' ? 'take-profit' : 'stop-loss'} of the list ${traded ? 'traded' : 'closed'}`;
    for (const s of this.legs(o.orderListId)) {
      if (s.tradeOrderId === o.tradeOrderId || s.orderListRole === 'ENTRY' || s.triggeredAt !== undefined) continue;
      await this.cancel(s, reason);
    }
  }

  /** The entry closed: its children work with what it traded, or are cancelled when it traded nothing. */
  private async activate(entry: Order): Promise<void> {
    const children = this.deps.live.openOrders().filter((c) => c.parentTradeOrderId === entry.tradeOrderId && c.status === 'CREATED');
    if (children.length === 0) return;
    const spec = this.deps.instruments.get(entry.instrumentId)?.spec;
    const executed = dec(entry.executedQuantity);
    // What the entry bought arrives net of a fee taken in the base asset.
    const net = entry.side === 'BUY' ? executed.sub(dec(entry.fees[entry.baseAsset] ?? '0')) : executed;
    const quantity = spec ? floorTo(net, dec(spec.lotSize)) : net;
    if (!quantity.gt(0)) {
      for (const c of children) this.closeHeld(c, executed.gt(0) ? 'the entry traded less than one lot' : `the entry was ${entry.status} without a fill`);
      return;
    }
    const now = this.ctx.clock.now();
    for (const c of children) {
      const cur = this.deps.live.openOrder(c.tradeOrderId);
      if (cur?.status !== 'CREATED') continue;
      const sized: Order = { ...cur, quantity: str(quantity), updatedAt: now };
      if (cur.orderListRole === 'STOP_LOSS') {
        // Armed: Cadenza watches the trades for it.
        this.deps.ledger.write({ ...sized, status: 'ACCEPTED' }, []);
      } else {
        await this.deps.held.send(sized);
      }
    }
  }

  /** An armed stop's trigger was reached: recorded, then handed over. */
  private async fire(id: string): Promise<void> {
    const o = this.deps.live.openOrder(id);
    if (!o || !o.emulated || o.status !== 'ACCEPTED' || o.triggeredAt !== undefined) return;
    const now = this.ctx.clock.now();
    this.deps.ledger.write({ ...o, triggeredAt: now, updatedAt: now }, []);
    await this.handOver(id);
  }

  /** A triggered stop: the other legs are cancelled first; it goes to the venue only if none of them traded. */
  private async handOver(id: string): Promise<void> {
    const o = this.deps.live.openOrder(id);
    if (!o?.orderListId || !o.emulated || o.triggeredAt === undefined) return;
    const others = this.legs(o.orderListId).filter((s) => s.tradeOrderId !== id && s.orderListRole !== 'ENTRY');
    for (const s of others) await this.cancel(s, 'the stop-loss of the list triggered');
    const traded = others.some((s) => dec(this.deps.live.find(s.tradeOrderId)?.executedQuantity ?? s.executedQuantity).gt(0));
    const cur = this.deps.live.openOrder(id);
    if (!cur) return;
    if (traded) this.closeHeld(cur, 'the take-profit of the list traded first');
    else await this.deps.held.send(cur);
  }

  /** The open legs of a list. */
  private legs(orderListId: string): Order[] {
    return this.deps.live.openOrders().filter((o) => o.orderListId === orderListId);
  }

  private async cancel(o: Order, reason: string): Promise<void> {
    const cur = this.deps.live.openOrder(o.tradeOrderId);
    if (!cur || cur.status === 'PENDING_CANCEL') return;
    try {
      await this.deps.desk.cancel(owner(cur), { tradingAccountId: cur.tradingAccountId, tradeOrderId: cur.tradeOrderId, cancelReason: reason });
    } catch (err) {
      this.ctx.log.warn({ err, tradeOrderId: cur.tradeOrderId }, 'could not cancel a leg of an order list');
    }
  }

  private closeHeld(o: Order, reason: string): void {
    const cur = this.deps.live.openOrder(o.tradeOrderId);
    if (cur?.emulated) this.deps.ledger.close(cur, 'CANCEL', this.ctx.clock.now(), { cancelReason: reason });
  }

  /** Keeps the armed-stop index, and the hold on its instrument's streams, in step with an order. */
  private track(o: Order): void {
    // Held from arming until it is at the venue or closed: a triggered stop still needs the book its MARKET order is priced from.
    const held = o.emulated === true && o.status === 'ACCEPTED' && o.stopPrice !== undefined;
    if (held) this.deps.market.hold(o.tradeOrderId, o.venue, o.symbol);
    else this.deps.market.letGo(o.tradeOrderId);
    const armed = held && o.triggeredAt === undefined;
    let ids = this.armed.get(o.instrumentId);
    if (armed) {
      if (!ids) this.armed.set(o.instrumentId, (ids = new Set()));
      ids.add(o.tradeOrderId);
    } else if (ids) {
      ids.delete(o.tradeOrderId);
      if (ids.size === 0) this.armed.delete(o.instrumentId);
    }
  }

  /** A stop-loss the last trade has already reached would fire at once: refused, as venues refuse such stops. */
  private refuseImmediateStop(instrumentId: string, side: 'BUY' | 'SELL', stopPrice: string): void {
    const spec = this.deps.instruments.get(instrumentId)?.spec;
    const last = spec ? this.ctx.venues.get(spec.venue)?.getTicker(spec.symbol)?.lastPrice : undefined;
    if (last === undefined || !/^\d+(\.\d+)?$/.test(stopPrice)) return;
    if (side === 'SELL' ? dec(last).lte(stopPrice) : dec(last).gte(stopPrice)) throw bad(`stopLossPrice ${stopPrice} would trigger at once (the last trade was at ${last})`);
  }

  /** A repeated OCO submit (same idempotencyKey): its take-profit. */
  private async repeated(caller: CallerContext, req: SubmitOrderRequest, tp: RpcTradeOrder, key: string): Promise<Order | undefined> {
    const id = this.deps.live.duplicateOf(req.tradingAccountId, key, undefined);
    if (id === undefined) return undefined;
    return this.deps.desk.submit(caller, { tradingAccountId: req.tradingAccountId, tradeOrder: tp, idempotencyKey: key, leg: { fields: {} }, ...(req.awaitClosed ? { awaitClosed: true } : {}) });
  }

  private answer(req: SubmitOrderRequest, o: Order): Promise<Order> | Order {
    return req.awaitClosed ? this.deps.desk.awaitClosed(o.tradeOrderId) : (this.deps.live.find(o.tradeOrderId) ?? o);
  }
}

/** The owner of an order, as the caller of the steps the list takes on its behalf. */
const owner = (o: Order): CallerContext => ({ userId: o.userId, isAdmin: false });
