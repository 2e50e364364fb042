/**
 * @module orders/trailing-stop-emulator
 * Trailing stops Cadenza holds for venues that have none of their own (an instrument whose `orderTypes` lack
 * TRAILING_STOP: MOCK, live venues): the order is recorded ACCEPTED and `emulated`, locking nothing (its funds are
 * checked at submit and locked when it goes to the venue), and watches the venue's trades.
 *
 * - A trade beyond the best price seen moves the trigger with it, `trailingDelta` away (a SELL's up after a higher
 *   trade, a BUY's down after a lower one): the new `stopPrice` is committed, then pushed. It never moves against the
 *   position (trailsInFavour, trailing-stop.ts): the best price seen is the trigger plus (SELL) or minus (BUY) the
 *   delta, so the order's stored state is all the emulator needs.
 * - A trade at or through the trigger fires it: `triggeredAt` is committed first, then the order goes to the venue as
 *   a MARKET order (or LIMIT at its `limitPrice`), its funds checked and locked then (HeldOrders.send, held-orders.ts).
 * - Durable: after a restart `rearm` watches the armed stops again from their stored trigger, and sends those that had
 *   fired but were not sent yet.
 * - Fed: while a stop is armed it holds its instrument's trade and book streams (market-data/market-holds.ts), which
 *   a live venue runs only while someone holds them; it lets go when it fires or ends (filled, cancelled, rejected,
 *   expired), so the last armed stop of an instrument stops streams no client asked for.
 */
import type { DomainContext } from '../context.ts';
import { dec, str } from '../model/decimal.ts';
import type { TradeTick } from '../model/market-data.ts';
import type { Order } from '../model/order.ts';
import type { MarketStreamHolds } from '../market-data/market-holds.ts';
import type { OpenOrders } from './open-orders.ts';
import type { HeldOrders } from './held-orders.ts';
import type { OrderLedger } from './order-ledger.ts';
import { trailsInFavour } from './trailing-stop.ts';

export interface TrailingStopEmulatorDeps {
  live: OpenOrders;
  ledger: OrderLedger;
  held: HeldOrders;
  market: MarketStreamHolds;
}

/** An emulated trailing stop waiting for its trigger. */
function isArmed(o: Order): boolean {
  return o.orderType === 'TRAILING_STOP' && o.emulated === true && o.orderListId === undefined && o.status === 'ACCEPTED' && o.triggeredAt === undefined && o.stopPrice !== undefined && o.trailingDelta !== undefined;
}

export class TrailingStopEmulator {
  /** Armed stops by instrument. */
  private readonly armed = new Map<string, Set<string>>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: TrailingStopEmulatorDeps,
  ) {}

  /** An order changed (committed): keeps the armed index, and the hold on its instrument's streams, in step. */
  changed(o: Order): void {
    if (o.orderType !== 'TRAILING_STOP' || o.orderListId !== undefined) return;
    // Held from arming until it is at the venue or closed: a fired stop still needs the book its MARKET order is priced from.
    if (o.emulated === true && o.status === 'ACCEPTED') this.deps.market.hold(o.tradeOrderId, o.venue, o.symbol);
    else this.deps.market.letGo(o.tradeOrderId);
    if (!o.emulated && !this.armed.has(o.instrumentId)) return;
    let ids = this.armed.get(o.instrumentId);
    if (isArmed(o)) {
      if (!ids) this.armed.set(o.instrumentId, (ids = new Set()));
      ids.add(o.tradeOrderId);
    } else if (ids) {
      ids.delete(o.tradeOrderId);
      if (ids.size === 0) this.armed.delete(o.instrumentId);
    }
  }

  /** A trade on a venue: moves the triggers it passes in their favour, fires those it reaches. */
  onTrade(trade: TradeTick): void {
    const ids = this.armed.get(trade.instrumentId);
    if (!ids) return;
    const price = dec(trade.price);
    for (const id of [...ids]) {
      const o = this.deps.live.openOrder(id);
      if (!o || !isArmed(o)) continue;
      const stop = dec(o.stopPrice!);
      const delta = dec(o.trailingDelta!);
      const sell = o.side === 'SELL';
      if (sell ? price.lte(stop) : price.gte(stop)) {
        ids.delete(id);
        queueMicrotask(() => void this.fire(id).catch((err: unknown) => this.ctx.log.error({ err, tradeOrderId: id }, 'emulated trailing stop failed to fire')));
        continue;
      }
      const next = str(sell ? price.sub(delta) : price.add(delta));
      if (trailsInFavour(o.side, o.stopPrice, next)) this.deps.ledger.write({ ...o, stopPrice: next, updatedAt: this.ctx.clock.now() }, []);
    }
  }

  /** After a restart: armed stops watch again; fired ones not yet at the venue go now. */
  async rearm(): Promise<void> {
    for (const o of this.deps.live.openOrders()) {
      if (o.orderType !== 'TRAILING_STOP' || !o.emulated || o.orderListId !== undefined) continue;
      this.changed(o);
      if (o.triggeredAt === undefined) continue;
      // Its MARKET order is priced from the book, which a live venue has again only once held.
      await this.deps.market.bookReady(o.venue, o.symbol);
      await this.deps.held.send(this.deps.live.openOrder(o.tradeOrderId) ?? o);
    }
  }

  /** The trigger was reached: recorded, then sent. */
  private async fire(id: string): Promise<void> {
    const o = this.deps.live.openOrder(id);
    if (!o || !isArmed(o)) return;
    const now = this.ctx.clock.now();
    this.deps.ledger.write({ ...o, triggeredAt: now, updatedAt: now }, []);
    const cur = this.deps.live.openOrder(id);
    if (cur) await this.deps.held.send(cur);
  }
}
