/**
 * @module kit/order-tracker
 * A connector's orders in flight, keyed by client order id, and the one place its execution events are emitted.
 * The same outcome can arrive twice — in the REST answer of a submission or cancel, and on the venue's private
 * stream, in either order, and again from a reconciliation query — so this emits each fact once: `accepted` once (and
 * before any fill or end), each fill once per venue trade id, and one terminal event (cancelled / rejected / expired).
 * Fills after a terminal event are still reported (a fill racing a cancel is a real-world case).
 */
import type { ExecutionEvent, ExecutionSink, VenueOrder, VenueOrderState } from '@cadenza/domain';
import { VenueError, errorText } from './venue-error.ts';

/** The events about one order (everything but account-wide `balances` and `resync`). */
export type OrderEvent = Extract<ExecutionEvent, { tradeOrderId: string }>;

export interface TrackedOrder {
  readonly tradeOrderId: string;
  readonly tradingAccountId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  externalOrderId?: string;
  readonly fallbackFeeAsset: string;
  accepted: boolean;
  readonly tradeIds: Set<string>;
  terminal: boolean;
}

const MAX_TRACKED = 10_000;

export class OrderTracker {
  private readonly orders = new Map<string, TrackedOrder>();

  constructor(protected readonly sink: ExecutionSink) {}

  track(order: Pick<VenueOrder, 'tradeOrderId' | 'clientOrderId' | 'tradingAccountId' | 'symbol'>, fallbackFeeAsset: string): TrackedOrder {
    const existing = this.orders.get(order.clientOrderId);
    if (existing) return existing;
    if (this.orders.size >= MAX_TRACKED) this.sweep();
    const t: TrackedOrder = {
      tradeOrderId: order.tradeOrderId,
      tradingAccountId: order.tradingAccountId,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      fallbackFeeAsset,
      accepted: false,
      tradeIds: new Set(),
      terminal: false,
    };
    this.orders.set(order.clientOrderId, t);
    return t;
  }

  get(clientOrderId: string): TrackedOrder | undefined {
    return this.orders.get(clientOrderId);
  }

  /**
   * Records what a query found (the domain books it from the query's answer), so the same facts arriving later on
   * the user data stream are not reported again.
   */
  learn(t: TrackedOrder, known: { externalOrderId?: string; accepted: boolean; tradeIds: readonly string[]; terminal: boolean }): void {
    if (known.externalOrderId) t.externalOrderId = known.externalOrderId;
    if (known.accepted) t.accepted = true;
    for (const id of known.tradeIds) t.tradeIds.add(id);
    if (known.terminal) t.terminal = true;
  }

  /** Emits `event` unless it repeats a fact already reported. Returns whether it was emitted. */
  emit(t: TrackedOrder, event: OrderEvent): boolean {
    if (event.externalOrderId) t.externalOrderId = event.externalOrderId;
    switch (event.type) {
      case 'accepted':
        if (t.accepted || t.terminal) return false;
        t.accepted = true;
        break;
      case 'filled':
        if (t.tradeIds.has(event.tradeId)) return false;
        this.ensureAccepted(t, event.timestamp);
        t.tradeIds.add(event.tradeId);
        break;
      case 'cancelled':
      case 'expired':
        if (t.terminal) return false;
        this.ensureAccepted(t, event.timestamp);
        t.terminal = true;
        break;
      case 'rejected':
        if (t.terminal || t.accepted) return false;
        t.terminal = true;
        break;
    }
    this.sink.onExecution(event);
    return true;
  }

  /**
   * Emits what a queried state says about an order (used when a submission's outcome was unknown and the venue was
   * asked): accepted, each listed fill (the last one final when the order is FILLED), and the end.
   */
  /**
   * A submission that failed: a refusal rejects the order; a lost answer (`network`, `unknown-outcome` — the venue may
   * or may not have the order) is settled by asking the venue (`query`, by our client order id): what it has is
   * reported, an order it never had is rejected. When the question fails too the outcome stays unknown, and
   * `onUnknown` is told; the venue's stream or the next reconciliation will say.
   */
  async settleFailedSubmission(t: TrackedOrder, err: unknown, query: () => Promise<VenueOrderState | undefined>, now: () => number, onUnknown: (queryErr: unknown) => void): Promise<void> {
    const reject = (reason: string) => this.emit(t, { type: 'rejected', tradeOrderId: t.tradeOrderId, tradingAccountId: t.tradingAccountId, reason, timestamp: now() });
    if (!(err instanceof VenueError) || (err.kind !== 'unknown-outcome' && err.kind !== 'network')) return void reject(errorText(err));
    try {
      const state = await query();
      if (!state) reject(`not placed: ${err.message}`);
      else this.emitState(t, state, now());
    } catch (queryErr) {
      onUnknown(queryErr);
    }
  }

  emitState(t: TrackedOrder, state: VenueOrderState, now: number): void {
    const base = { tradeOrderId: t.tradeOrderId, tradingAccountId: t.tradingAccountId, ...(state.externalOrderId ? { externalOrderId: state.externalOrderId } : {}) };
    const at = state.updatedAt ?? now;
    if (state.status === 'REJECTED') {
      this.emit(t, { ...base, type: 'rejected', reason: state.reason ?? 'rejected', timestamp: at });
      return;
    }
    this.emit(t, { ...base, type: 'accepted', timestamp: at });
    const last = state.fills[state.fills.length - 1];
    for (const f of state.fills) this.emit(t, { ...base, type: 'filled', ...f, ...(state.status === 'FILLED' && f === last ? { final: true } : {}) });
    if (state.status === 'CANCELLED') this.emit(t, { ...base, type: 'cancelled', reason: state.reason ?? 'cancelled', timestamp: at });
    if (state.status === 'EXPIRED') this.emit(t, { ...base, type: 'expired', reason: state.reason ?? 'expired', timestamp: at });
  }

  protected ensureAccepted(t: TrackedOrder, timestamp: number): void {
    if (t.accepted) return;
    t.accepted = true;
    this.sink.onExecution({
      type: 'accepted',
      tradeOrderId: t.tradeOrderId,
      tradingAccountId: t.tradingAccountId,
      ...(t.externalOrderId ? { externalOrderId: t.externalOrderId } : {}),
      timestamp,
    });
  }

  /** Forgets the oldest finished orders when the map is full. */
  private sweep(): void {
    for (const [id, t] of this.orders) {
      if (this.orders.size < MAX_TRACKED / 2) break;
      if (t.terminal) this.orders.delete(id);
    }
  }
}
