/**
 * @module orders/order-reconciler
 * Brings open orders on venues that keep their own ledger (`capabilities.ledger === 'venue'`: Binance) back in line
 * with the venue, after a restart and whenever the venue reports it may have missed something (`resync`, e.g. its
 * event stream dropped and came back).
 *
 * Promises:
 * - Whatever the venue answers (`queryOrder`) is booked through the order service's `onExecution` — the same path
 *   as live reports: `accepted`, then the fills not yet booked (by the venue's trade ids, so a fill is booked once
 *   however often it is reported), then the end (`cancelled` / `expired` / `rejected`). A venue status FILLED marks
 *   the last new fill `final`, so an order whose amounts do not add up (QUOTE orders) still completes.
 * - An order the venue does not know, `unknownOrderGraceMs` after its creation: SUBMITTED → REJECTED ("never reached
 *   the venue"), its lock released; acknowledged (it has been on the venue, and the venue keeps orders with fills)
 *   → CANCELLED with the reason. Younger unknown orders are asked about again once the grace has passed.
 * - An order inherited from the previous process whose cancel was pending and that the venue still works: the cancel
 *   is sent again (the user asked for it). Orders submitted or cancelled by this process are left to that call.
 * - After its orders, the account's balances are replaced by the venue's (`fetchBalances`), as a `balances` event.
 * - A venue that cannot be asked (network, rate limit) blocks nothing: the order stays as it is, the account is
 *   tried again later (`reconcileRetryMs`, doubling to 5 min). Runs of one account never overlap; a request during a
 *   run makes it run once more.
 */
import type { DomainContext } from '../context.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CredentialVault } from '../credentials/credential-vault.ts';
import type { CancelRequest, OrderQuery, VenueAccount, VenueFill, VenueOrderState } from '../model/venue-order.ts';
import type { ExecutionSink, Venue } from '../ports/venue.ts';
import { dec, str } from '../model/decimal.ts';
import type { Order } from '../model/order.ts';

export interface OrderReconcilerDeps {
  accounts: AccountRegistry;
  vault: CredentialVault;
  /** The account's open orders, from memory. */
  openOrders(tradingAccountId: string): Order[];
  /** One open order in its latest state, or undefined once closed. */
  openOrder(tradeOrderId: string): Order | undefined;
  /** Where the venue's answers are booked (the order service's `onExecution`). */
  sink: ExecutionSink;
}

interface AccountState {
  running?: Promise<void>;
  again: boolean;
  failures: number;
  timer?: ReturnType<typeof setTimeout>;
  timerAt?: number;
}

const MAX_RETRY_MS = 300_000;

export class OrderReconciler {
  private readonly accounts = new Map<string, AccountState>();
  /** Orders that were open when this process started: no call of ours can be in flight for them. */
  private readonly inherited = new Set<string>();
  private stopped = false;

  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: OrderReconcilerDeps,
  ) {}

  /** Start-up: reconciles the accounts of these orders (open at start, on venue-ledger venues) in the background. */
  startup(orders: Order[]): void {
    for (const o of orders) this.inherited.add(o.tradeOrderId);
    for (const id of new Set(orders.map((o) => o.tradingAccountId))) this.request(id);
  }

  /** Reconciles an account's open orders and balances now (or once more after the run in progress). */
  request(tradingAccountId: string): void {
    if (this.stopped) return;
    const s = this.state(tradingAccountId);
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = undefined;
      s.timerAt = undefined;
    }
    if (s.running) {
      s.again = true;
      return;
    }
    s.running = this.loop(tradingAccountId, s);
  }

  /** Resolves when no run is in progress (scheduled retries not counted). For tests and shutdown. */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.accounts.values()].map((s) => s.running).filter((p): p is Promise<void> => p !== undefined);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Drops scheduled retries; runs in progress stop booking. Idempotent. */
  stop(): void {
    this.stopped = true;
    for (const s of this.accounts.values()) clearTimeout(s.timer);
  }

  private state(tradingAccountId: string): AccountState {
    let s = this.accounts.get(tradingAccountId);
    if (!s) this.accounts.set(tradingAccountId, (s = { again: false, failures: 0 }));
    return s;
  }

  private async loop(tradingAccountId: string, s: AccountState): Promise<void> {
    try {
      do {
        s.again = false;
        const outcome = await this.run(tradingAccountId).catch((err: unknown) => {
          this.ctx.log.error({ err, tradingAccountId }, 'reconciliation with the venue failed');
          return { failed: true, recheckAt: undefined };
        });
        if (this.stopped) return;
        if (outcome.failed) {
          const delay = Math.min(MAX_RETRY_MS, this.ctx.config.reconcileRetryMs * 2 ** s.failures);
          s.failures++;
          this.schedule(tradingAccountId, s, delay);
        } else {
          s.failures = 0;
        }
        if (outcome.recheckAt !== undefined) this.schedule(tradingAccountId, s, Math.max(0, outcome.recheckAt - this.ctx.clock.now()));
      } while (s.again && !this.stopped);
    } finally {
      s.running = undefined;
    }
  }

  private schedule(tradingAccountId: string, s: AccountState, delayMs: number): void {
    const at = this.ctx.clock.now() + delayMs;
    if (s.timer && s.timerAt !== undefined && s.timerAt <= at) return;
    clearTimeout(s.timer);
    s.timerAt = at;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      s.timerAt = undefined;
      this.request(tradingAccountId);
    }, delayMs);
    s.timer.unref?.();
  }

  /** One pass over the account: every open order, then the balances. */
  private async run(tradingAccountId: string): Promise<{ failed: boolean; recheckAt: number | undefined }> {
    const done = { failed: false, recheckAt: undefined };
    const account = this.deps.accounts.find(tradingAccountId);
    const venue = account ? this.ctx.venues.get(account.venue) : undefined;
    if (!account || !venue || venue.capabilities.ledger !== 'venue') return done;
    if (!venue.queryOrder) {
      this.ctx.log.warn({ tradingAccountId, venue: venue.id }, 'venue cannot be asked about orders; its open orders stay as they are');
      return done;
    }
    let venueAccount: VenueAccount;
    try {
      venueAccount = this.deps.vault.venueAccount(account, venue.capabilities.requiresCredential);
    } catch (err) {
      this.ctx.log.warn({ err, tradingAccountId, venue: venue.id }, 'no usable credential to reconcile the account with its venue; its orders stay as they are');
      return done;
    }
    let failed = false;
    let recheckAt: number | undefined;
    for (const o of this.deps.openOrders(tradingAccountId)) {
      if (this.stopped) return done;
      const query: OrderQuery = { tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId, symbol: o.symbol };
      if (o.externalOrderId !== undefined) query.externalOrderId = o.externalOrderId;
      let state: VenueOrderState | undefined;
      try {
        state = await venue.queryOrder(query, venueAccount);
      } catch (err) {
        failed = true;
        this.ctx.log.warn({ err, tradeOrderId: o.tradeOrderId, venue: venue.id }, 'could not ask the venue about an order; it stays as it is and is tried again later');
        continue;
      }
      if (this.stopped) return done;
      const result = state === undefined ? this.unknown(o.tradeOrderId) : await this.apply(o.tradeOrderId, state, venue, venueAccount);
      if (result === 'failed') failed = true;
      else if (typeof result === 'number') recheckAt = Math.min(recheckAt ?? result, result);
    }
    if (venue.fetchBalances && !this.stopped) {
      try {
        const balances = await venue.fetchBalances(venueAccount);
        if (!this.stopped) this.deps.sink.onExecution({ type: 'balances', tradingAccountId, balances, timestamp: this.ctx.clock.now() });
      } catch (err) {
        failed = true;
        this.ctx.log.warn({ err, tradingAccountId, venue: venue.id }, 'could not refresh balances from the venue; tried again later');
      }
    }
    return { failed, recheckAt };
  }

  /** The venue has no such order. Answers when to ask again, if it is too early to conclude. */
  private unknown(tradeOrderId: string): number | undefined {
    const o = this.deps.openOrder(tradeOrderId);
    if (!o) return undefined;
    const settledAt = o.createdAt + this.ctx.config.unknownOrderGraceMs;
    if (this.ctx.clock.now() < settledAt) return settledAt;
    const base = { tradeOrderId, tradingAccountId: o.tradingAccountId, timestamp: this.ctx.clock.now() };
    const restarted = this.inherited.has(tradeOrderId) ? ' (server restarted)' : '';
    if (o.status === 'SUBMITTED') {
      this.ctx.log.warn({ tradeOrderId, venue: o.venue }, 'order never reached the venue; rejected');
      this.deps.sink.onExecution({ ...base, type: 'rejected', reason: `never reached the venue${restarted}` });
    } else {
      this.ctx.log.warn({ tradeOrderId, venue: o.venue, status: o.status }, 'acknowledged order unknown to the venue; cancelled');
      this.deps.sink.onExecution({ ...base, type: 'cancelled', reason: 'not found on the venue when reconciling' });
    }
    return undefined;
  }

  /** Books what the venue knows and we do not. */
  private async apply(tradeOrderId: string, state: VenueOrderState, venue: Venue, venueAccount: VenueAccount): Promise<'failed' | undefined> {
    const before = this.deps.openOrder(tradeOrderId);
    if (!before) return undefined;
    const tradingAccountId = before.tradingAccountId;
    const base = {
      tradeOrderId,
      tradingAccountId,
      ...(state.externalOrderId !== undefined ? { externalOrderId: state.externalOrderId } : {}),
    };
    const at = state.updatedAt ?? this.ctx.clock.now();
    if (before.status === 'SUBMITTED' && state.status !== 'REJECTED') this.deps.sink.onExecution({ ...base, type: 'accepted', timestamp: at });

    const booked = new Set((await this.ctx.store.listFills(tradeOrderId)).map((f) => f.tradeId));
    const fresh = [...state.fills].filter((f) => !booked.has(f.tradeId)).sort(byTime);
    fresh.forEach((f, i) => {
      const final = state.status === 'FILLED' && i === fresh.length - 1;
      this.deps.sink.onExecution({ ...base, type: 'filled', tradeId: f.tradeId, price: f.price, quantity: f.quantity, fee: f.fee, feeAsset: f.feeAsset, liquidity: f.liquidity, timestamp: f.timestamp, ...(final ? { final } : {}) });
    });
    if (fresh.length > 0) this.ctx.log.info({ tradeOrderId, fills: fresh.length, venueStatus: state.status }, 'booked fills the venue reported while we were not listening');
    const listed = state.fills.reduce((sum, f) => sum.add(dec(f.quantity)), dec(0));
    if (!listed.eq(dec(state.executedQuantity))) {
      this.ctx.log.warn({ tradeOrderId, executedQuantity: state.executedQuantity, listed: str(listed) }, 'the venue lists fewer fills than it says executed; booked what it lists');
    }

    const now = this.deps.openOrder(tradeOrderId);
    if (!now) return undefined;
    switch (state.status) {
      case 'CANCELLED':
        this.deps.sink.onExecution({ ...base, type: 'cancelled', reason: state.reason ?? 'cancelled on the venue', timestamp: at });
        return undefined;
      case 'EXPIRED':
        this.deps.sink.onExecution({ ...base, type: 'expired', reason: state.reason ?? 'expired on the venue', timestamp: at });
        return undefined;
      case 'REJECTED':
        // The status machine has no acknowledged → REJECTED: an order that had been working ends cancelled.
        if (now.status === 'SUBMITTED') this.deps.sink.onExecution({ ...base, type: 'rejected', reason: state.reason ?? 'rejected by the venue', timestamp: at });
        else this.deps.sink.onExecution({ ...base, type: 'cancelled', reason: `rejected by the venue: ${state.reason ?? 'no reason given'}`, timestamp: at });
        return undefined;
      case 'FILLED':
        this.ctx.log.warn({ tradeOrderId, status: now.status, executedQuantity: now.executedQuantity }, 'the venue reports the order FILLED but its fills do not complete it here; left open');
        return undefined;
      case 'OPEN':
        if (now.status === 'PENDING_CANCEL' && this.inherited.has(tradeOrderId)) return this.cancelAgain(now, venue, venueAccount);
        return undefined;
    }
  }

  /** The previous process asked for the cancel and died before the venue confirmed it: ask again. */
  private async cancelAgain(o: Order, venue: Venue, venueAccount: VenueAccount): Promise<'failed' | undefined> {
    const request: CancelRequest = { tradeOrderId: o.tradeOrderId, clientOrderId: o.clientOrderId, tradingAccountId: o.tradingAccountId, symbol: o.symbol };
    if (o.externalOrderId !== undefined) request.externalOrderId = o.externalOrderId;
    try {
      // The venue reports the outcome through its execution sink.
      await venue.cancelOrder(request, venueAccount);
      this.ctx.log.info({ tradeOrderId: o.tradeOrderId }, 'sent again the cancel that was pending when the server stopped');
      return undefined;
    } catch (err) {
      this.ctx.log.warn({ err, tradeOrderId: o.tradeOrderId }, 'the pending cancel could not be sent again; tried again later');
      return 'failed';
    }
  }
}

function byTime(a: VenueFill, b: VenueFill): number {
  return a.timestamp - b.timestamp;
}
