/**
 * @module orders/order-recovery
 * Open orders after a restart.
 *
 * PAPER and MOCK keep their books in this process, so a restart empties them. Their open orders go back in, oldest
 * first, with what remains of each — an exchange keeps resting orders across its own restarts — and the venue may
 * fill them at once against the market it finds. An order that cannot go back (a MARKET order caught in flight, a
 * cancel that was pending, an account that is gone, a remainder the venue refuses) is cancelled with the reason and
 * its lock released; the ledger cancels one the venue refuses as it reports it (order-ledger.ts). Orders of a venue
 * this server does not run (any more) are left as they are: the venue may still hold them.
 *
 * Venues that keep their own ledger (Binance) kept our orders while we were down: their open orders are reconciled
 * with the venue (order-reconciler.ts) in the background — start never waits for a venue that may be unreachable.
 */
import type { DomainContext } from '../context.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CredentialVault } from '../credentials/credential-vault.ts';
import { dec, str } from '../model/decimal.ts';
import type { Order } from '../model/order.ts';
import type { ExecutionSink } from '../ports/venue.ts';
import type { OrderLedger } from './order-ledger.ts';
import { OrderReconciler } from './order-reconciler.ts';
import type { OpenOrders } from './open-orders.ts';
import { recordThenCall } from './record-then-call.ts';
import { reasonOf, toVenueOrder } from './venue-order.ts';

export interface OrderRecoveryDeps {
  live: OpenOrders;
  ledger: OrderLedger;
  accounts: AccountRegistry;
  vault: CredentialVault;
  /** Where the reconciler books what venues answer. */
  sink: ExecutionSink;
}

export class OrderRecovery {
  /** Asks venues that keep their own ledger about our open orders (after a restart, and on their `resync`). */
  readonly reconciler: OrderReconciler;

  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: OrderRecoveryDeps,
  ) {
    this.reconciler = new OrderReconciler(ctx, {
      accounts: deps.accounts,
      vault: deps.vault,
      // A held order (an emulated stop, a waiting list leg) is Cadenza's alone: the venue has nothing to say of it.
      openOrders: (id) => deps.live.openOrders().filter((o) => o.tradingAccountId === id && !o.emulated),
      openOrder: (id) => deps.live.openOrder(id),
      sink: deps.sink,
    });
  }

  /** Puts in-process orders back and starts the reconciliation of the others; `reconciled()` tells when that first pass is over. */
  async recover(): Promise<{ restored: number; cancelled: number; reconciling: number }> {
    let restored = 0;
    let cancelled = 0;
    const onVenueLedger: Order[] = [];
    for (const o of this.deps.live.openOrders()) {
      const venue = this.ctx.venues.get(o.venue);
      // Held by Cadenza, not at the venue: the order lists re-arm them (order-lists.ts).
      if (!venue || o.emulated) continue;
      if (venue.capabilities.ledger === 'venue') {
        onVenueLedger.push(o);
        continue;
      }
      const refused = await this.restore(o);
      const cur = this.deps.live.openOrder(o.tradeOrderId);
      if (refused !== undefined && cur) this.deps.ledger.close(cur, 'CANCEL', this.ctx.clock.now(), { cancelReason: `venue restarted: ${refused}` });
      // Back in the book, or already filled or expired there — unless it was cancelled (here, or by the ledger when
      // the venue refused it).
      if (this.deps.live.find(o.tradeOrderId)?.status === 'CANCELLED') cancelled++;
      else restored++;
    }
    this.reconciler.startup(onVenueLedger);
    return { restored, cancelled, reconciling: onVenueLedger.length };
  }

  /** Resolves when no reconciliation with a venue is running (retries scheduled for later not counted). */
  reconciled(): Promise<void> {
    return this.reconciler.idle();
  }

  stop(): void {
    this.reconciler.stop();
  }

  /** Puts what remains of an open order back into its in-process venue; answers why it cannot go back, if it cannot. */
  private async restore(o: Order): Promise<string | undefined> {
    const venue = this.ctx.venues.get(o.venue);
    const account = this.deps.accounts.find(o.tradingAccountId);
    if (!venue || !account) return 'trading account no longer available';
    if (o.status === 'PENDING_CANCEL') return 'the pending cancel completed';
    if (o.orderType === 'MARKET') return 'market order interrupted';
    const remaining = dec(o.quantity).sub(dec(o.quantityType === 'QUOTE' ? o.executedCost : o.executedQuantity));
    if (!remaining.gt(0)) return 'nothing left to execute';
    const venueOrder = toVenueOrder(o, str(remaining));
    try {
      const venueAccount = this.deps.vault.venueAccount(account, venue.capabilities.requiresCredential);
      await recordThenCall(this.ctx, venue, () => undefined, () => venue.submitOrder(venueOrder, venueAccount));
      return undefined;
    } catch (err) {
      return reasonOf(err, 'the venue refused the remainder');
    }
  }
}
