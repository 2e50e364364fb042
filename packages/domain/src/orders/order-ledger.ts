/**
 * @module orders/order-ledger
 * Books what venues report about orders: every report goes through the status machine; the order change, the fill,
 * the balances and the position are written in one unit of work, and only then published
 * (`event.trade_order.updated`, then `event.portfolio.updated` with the changed balances as a DELTA) on
 * `tradingAccount:{id}`.
 *
 * Promises:
 * - A fill repeated by the venue (same tradeId for the same order) changes nothing.
 * - A rejection of an order the venue had accepted can only be the venue refusing what remains of it: PAPER and MOCK
 *   do so when an order put back after a restart (order-recovery.ts) no longer fits their market. The order is
 *   cancelled with `venue restarted: <reason>` and its lock released (the status machine has no ACCEPTED → REJECTED).
 * - A trailing stop's trigger is booked only when it moves in the position's favour (trailing-stop.ts): a stale
 *   `trailed` report never shows on an order update.
 * - `onExecution` never throws into the venue.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { dec, type Dec } from '../model/decimal.ts';
import type { Balance } from '../model/balance.ts';
import type { Position } from '../model/position.ts';
import type { PositionLedger } from '../positions/position-ledger.ts';
import type { Fill, Order } from '../model/order.ts';
import type { ExecutionEvent } from '../model/venue-order.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { BalanceDelta } from '../portfolios/fill-effects.ts';
import { toRpcPortfolio } from '../portfolios/rpc-portfolio.ts';
import { applyFill, type FillReport } from './apply-fill.ts';
import type { OpenOrders } from './open-orders.ts';
import { toRpcTradeOrder } from './rpc-order.ts';
import { isTerminal, transition, type OrderEventKind } from './status-machine.ts';
import { trailsInFavour } from './trailing-stop.ts';

export interface OrderLedgerDeps {
  live: OpenOrders;
  book: PortfolioBook;
  positions: PositionLedger;
  /** The prices positions are marked at in pushes (mark prices of derivatives, last prices of spot), by instrument. */
  marks?(positions: Position[]): Map<string, Dec> | undefined;
  /** Derivative `positions` / `funding` reports (derivatives/derivatives-service.ts). */
  onAccountReport?(e: Extract<ExecutionEvent, { type: 'positions' | 'funding' }>): void;
  /** The venue may have missed reports for this account: reconcile it (order-reconciler.ts). */
  resync(tradingAccountId: string): void;
}

export class OrderLedger {
  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: OrderLedgerDeps,
  ) {}

  onExecution(e: ExecutionEvent): void {
    try {
      if (e.type === 'balances') {
        this.ctx.unit.run(() => this.publishPortfolio(e.tradingAccountId, this.deps.book.replace(e.tradingAccountId, e.balances), []));
        return;
      }
      if (e.type === 'positions' || e.type === 'funding') {
        this.deps.onAccountReport?.(e);
        return;
      }
      if (e.type === 'resync') {
        this.ctx.log.info({ tradingAccountId: e.tradingAccountId, reason: e.reason }, 'venue may have missed reports; reconciling the account');
        this.deps.resync(e.tradingAccountId);
        return;
      }
      const order = this.deps.live.find(e.tradeOrderId);
      if (!order || order.tradingAccountId !== e.tradingAccountId) {
        this.ctx.log.warn({ tradeOrderId: e.tradeOrderId, type: e.type }, 'venue reported an unknown order');
        return;
      }
      const fields: Partial<Order> = {};
      if (e.externalOrderId !== undefined && e.externalOrderId !== order.externalOrderId) fields.externalOrderId = e.externalOrderId;
      if (e.externalOrderListId !== undefined && e.externalOrderListId !== order.externalOrderListId) fields.externalOrderListId = e.externalOrderListId;
      switch (e.type) {
        case 'accepted': {
          const t = transition(order.status, 'ACCEPT');
          if (t.ok) this.write({ ...order, ...fields, status: t.status, updatedAt: this.ctx.clock.now() }, []);
          else if (fields.externalOrderId !== undefined || fields.externalOrderListId !== undefined) this.write({ ...order, ...fields, updatedAt: this.ctx.clock.now() }, []);
          return;
        }
        case 'filled':
          this.fill(order, e, fields);
          return;
        case 'cancelled':
          this.close(order, 'CANCEL', e.timestamp, { ...fields, cancelReason: e.reason });
          return;
        case 'rejected':
          if (transition(order.status, 'REJECT').ok) this.close(order, 'REJECT', e.timestamp, { ...fields, rejectReason: e.reason });
          else if (!isTerminal(order.status)) this.close(order, 'CANCEL', e.timestamp, { ...fields, cancelReason: `venue restarted: ${e.reason}` });
          return;
        case 'expired':
          this.close(order, 'EXPIRE', e.timestamp, { ...fields, cancelReason: e.reason ?? 'expired' });
          return;
        case 'trailed':
          if (!isTerminal(order.status) && trailsInFavour(order.side, order.stopPrice, e.stopPrice)) this.write({ ...order, ...fields, stopPrice: e.stopPrice, updatedAt: this.ctx.clock.now() }, []);
          return;
      }
    } catch (err) {
      this.ctx.log.error({ err, event: { type: e.type, tradingAccountId: e.tradingAccountId } }, 'could not book a venue report');
    }
  }

  /** Moves the order to a closing status and releases what it still holds. */
  close(order: Order, kind: 'CANCEL' | 'REJECT' | 'EXPIRE', at: number, fields: Partial<Order>): void {
    const t = transition(order.status, kind);
    if (!t.ok) {
      if (!isTerminal(order.status)) this.ctx.log.warn({ tradeOrderId: order.tradeOrderId, status: order.status, kind }, 'illegal order transition ignored');
      return;
    }
    const next: Order = { ...order, ...fields, status: t.status, updatedAt: this.ctx.clock.now() };
    if (kind === 'CANCEL') next.canceledAt = at;
    const release = dec(order.lockedAmount);
    next.lockedAmount = '0';
    this.write(next, [], () => (release.gt(0) ? this.deps.book.release(order.tradingAccountId, order.lockAsset, release) : []));
  }

  /** A status change without balance effects (accept, cancel request, cancel refused). */
  step(order: Order, kind: OrderEventKind, fields: Partial<Order>): void {
    const t = transition(order.status, kind);
    if (!t.ok) throw new DomainError('INVALID_ORDER_TRANSITION', `trade order ${order.tradeOrderId} cannot take ${kind} in status ${order.status}`);
    this.write({ ...order, ...fields, status: t.status, updatedAt: this.ctx.clock.now() }, []);
  }

  /** New terms of a working order (order-amendment.ts), its lock grown or shrunk by `lockDelta`. */
  amend(next: Order, lockDelta: Dec): void {
    const { tradingAccountId: account, lockAsset: asset } = next;
    this.write(next, [], () => (lockDelta.gt(0) ? this.deps.book.lock(account, asset, lockDelta) : this.deps.book.release(account, asset, lockDelta.neg())));
  }

  /** Writes the order's new state (and what `inTx` changes) in one unit, then publishes it. */
  write(next: Order, balances: Balance[], inTx?: () => Balance[]): void {
    this.ctx.unit.run(() => {
      this.ctx.store.updateOrder(next);
      const changed = inTx ? balances.concat(inTx()) : balances;
      this.deps.live.remember(next);
      this.publish(next, changed);
    });
  }

  /** A new order, its lock and its first event, in the caller's unit of work. */
  open(order: Order, lockAsset: string, lockAmount: Dec): void {
    this.ctx.store.insertOrder(order);
    const balances = this.deps.book.lock(order.tradingAccountId, lockAsset, lockAmount);
    this.deps.live.add(order);
    this.publish(order, balances);
  }

  /**
   * An order filled whole at once, as the OTC desk books a QUOTED order: the order and its fill, in the caller's unit
   * of work (which moves the money), then `event.trade_order.updated`. Its keys are indexed (a repeated submit finds
   * it), but the order is not held among the closed ones: no venue reports on it later, so its row answers every
   * query, and what memory would keep of it (the order and its RPC shape, ~1.5 KB) is what each young-generation
   * collection copies (docs/benchmarks.md, "Sixth pass").
   */
  recordFilled(order: Order, fill: Fill): void {
    this.ctx.store.insertOrder(order);
    if (!this.ctx.store.insertFill(fill)) throw new Error(`fill ${fill.tradeId} of order ${order.tradeOrderId} is already stored`);
    this.deps.live.add(order);
    this.ctx.publish.toAccount(order.tradingAccountId, 'event.trade_order.updated', toRpcTradeOrder(order));
  }

  private fill(order: Order, e: FillReport, fields: Partial<Order>): void {
    const plan = this.deps.positions.planFill(order, e);
    if (plan.positionId !== undefined && plan.positionId !== order.positionId) fields = { ...fields, positionId: plan.positionId };
    const r = applyFill(order, e, fields, this.ctx.clock.now(), this.ctx.ids.uuid(), plan.effects);
    if (!r.ok) {
      if (r.reason === 'ILLEGAL') this.ctx.log.error({ tradeOrderId: order.tradeOrderId, status: order.status, tradeId: e.tradeId }, 'fill reported for an order that cannot take it; ignored');
      return;
    }
    const book = this.deps.book;
    const accountId = order.tradingAccountId;
    let duplicate = false;
    this.ctx.unit.run(() => {
      if (!this.ctx.store.insertFill(r.fill)) {
        duplicate = true;
        return;
      }
      this.ctx.store.updateOrder(r.next);
      const balances = book.apply(accountId, r.release.gt(0) ? withRelease(r.deltas, order.lockAsset, r.release) : r.deltas);
      const positions = plan.commit();
      this.deps.live.remember(r.next);
      this.publish(r.next, dedupeBalances(balances), positions);
    });
    if (duplicate) this.ctx.log.debug?.({ tradeOrderId: order.tradeOrderId, tradeId: e.tradeId }, 'duplicate fill ignored');
  }

  private publish(order: Order, balances: Balance[], positions: Position[] = []): void {
    this.ctx.publish.toAccount(order.tradingAccountId, 'event.trade_order.updated', toRpcTradeOrder(order));
    if (balances.length || positions.length) this.publishPortfolio(order.tradingAccountId, balances, positions);
  }

  private publishPortfolio(tradingAccountId: string, balances: Balance[], positions: Position[]): void {
    this.ctx.publish.toAccount(
      tradingAccountId,
      'event.portfolio.updated',
      toRpcPortfolio({ tradingAccountId, balances, positions, updateMode: 'DELTA', updatedAt: this.ctx.clock.now(), prices: positions.length > 0 ? this.deps.marks?.(positions) : undefined }),
    );
  }
}

/**
 * The fill's balance changes with what the order no longer needs released from its lock, so each asset is changed
 * (and formatted, and held for its write) once: the same final balances as applying the fill and then the release.
 */
function withRelease(deltas: BalanceDelta[], lockAsset: string, release: Dec): BalanceDelta[] {
  const out = deltas.slice();
  const i = out.findIndex((d) => d.asset === lockAsset);
  if (i < 0) out.push({ asset: lockAsset, free: release, locked: release.neg() });
  else out[i] = { asset: lockAsset, free: out[i]!.free.add(release), locked: out[i]!.locked.sub(release) };
  return out;
}

/** Keeps the last state of each asset when one change touched it twice. */
function dedupeBalances(list: Balance[]): Balance[] {
  if (list.length < 2 || (list.length === 2 && list[0]!.asset !== list[1]!.asset)) return list;
  const m = new Map<string, Balance>();
  for (const b of list) m.set(b.asset, b);
  return [...m.values()];
}
