/**
 * @module orders/held-orders
 * Orders Cadenza holds instead of their venue: a trailing stop on an instrument that has none of its own
 * (trailing-stop-emulator.ts), and the legs of an emulated order list that wait (order-lists.ts) — `PENDING`, a child
 * waiting for its entry to fill, or `ARMED`, a stop waiting for its trigger.
 *
 * Promises:
 * - A held order is recorded `emulated` and locks nothing (`record`); its venue never sees it while it is held.
 * - When its moment comes it goes to the venue (`send`), its funds checked and locked then and the send recorded first
 *   (record-then-call.ts); one that cannot go (funds, venue, account) is closed with the reason.
 */
import type { DomainContext } from '../context.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CredentialVault } from '../credentials/credential-vault.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import { dec, str, type Dec } from '../model/decimal.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { Order } from '../model/order.ts';
import type { PortfolioBook } from '../portfolios/portfolio-book.ts';
import type { OpenOrders } from './open-orders.ts';
import type { OrderDraft } from './order-draft.ts';
import type { OrderLedger } from './order-ledger.ts';
import type { LegSpec } from './order-requests.ts';
import { bookDepthFor, preTradeCheck } from './pre-trade.ts';
import { recordThenCall } from './record-then-call.ts';
import { transition } from './status-machine.ts';
import { reasonOf, toVenueOrder } from './venue-order.ts';

/** How an order is held: `PENDING` (CREATED, waiting for its parent to fill) or `ARMED` (ACCEPTED, waiting for its trigger). */
export type Hold = NonNullable<LegSpec['hold']>;

/**
 * Whether a new order is held, and how: as its list says for a leg; a trailing stop the instrument does not take
 * natively is Cadenza's to hold, armed (trailing-stop-emulator.ts).
 */
export function holdOf(leg: LegSpec | undefined, draft: OrderDraft, spec: InstrumentSpec): Hold | undefined {
  return leg?.hold ?? (draft.orderType === 'TRAILING_STOP' && !leg && !spec.orderTypes.includes('TRAILING_STOP') ? 'ARMED' : undefined);
}

/**
 * A held stop is Cadenza's, not the venue's: the instrument need only take what it turns into when it triggers
 * (MARKET, or LIMIT with a limit price).
 */
export function heldStopSpec(spec: InstrumentSpec, draft: OrderDraft): InstrumentSpec {
  const works = draft.limitPrice ? 'LIMIT' : 'MARKET';
  return spec.orderTypes.includes(works) && !spec.orderTypes.includes(draft.orderType) ? { ...spec, orderTypes: [...spec.orderTypes, draft.orderType] } : spec;
}

export interface HeldOrdersDeps {
  live: OpenOrders;
  ledger: OrderLedger;
  accounts: AccountRegistry;
  instruments: InstrumentCatalog;
  book: PortfolioBook;
  vault: CredentialVault;
}

export class HeldOrders {
  /** `config.marketLockBuffer`, read once. */
  private readonly lockBuffer: Dec;

  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: HeldOrdersDeps,
  ) {
    this.lockBuffer = dec(ctx.config.marketLockBuffer);
  }

  /**
   * Records a new order (built by the order desk, its checks passed) as held: `emulated`, nothing locked, CREATED when
   * pending or ACCEPTED when armed, in one unit of work. Answers it as recorded.
   */
  record(order: Order, hold: Hold, lockAsset: string): Order {
    order.emulated = true;
    order.lockedAmount = '0';
    if (hold === 'PENDING') order.status = 'CREATED';
    this.ctx.unit.run(() => {
      this.deps.ledger.open(order, lockAsset, dec(0));
      if (hold === 'ARMED') this.deps.ledger.step(order, 'ACCEPT', {});
    });
    return this.deps.live.current(order.tradeOrderId);
  }

  /**
   * Sends a held order to its venue: a PENDING child whose entry filled, or a triggered stop (which works as MARKET, or
   * LIMIT at its limit price). Its funds are checked and locked now, with the send recorded first; an order that
   * cannot go (funds, venue, account) is closed with the reason.
   */
  async send(order: Order): Promise<void> {
    const venue = this.ctx.venues.get(order.venue);
    const account = this.deps.accounts.find(order.tradingAccountId);
    const instrument = this.deps.instruments.get(order.instrumentId);
    const refuse = (reason: string) => {
      const cur = this.deps.live.openOrder(order.tradeOrderId);
      if (!cur) return;
      if (transition(cur.status, 'REJECT').ok) this.deps.ledger.close(cur, 'REJECT', this.ctx.clock.now(), { rejectReason: reason });
      else this.deps.ledger.close(cur, 'CANCEL', this.ctx.clock.now(), { cancelReason: reason });
    };
    if (!venue || !account || !instrument) return refuse('the venue, account or instrument of the leg is no longer available');
    const working = toVenueOrder(order, order.quantity);
    const draft: OrderDraft = { instrumentId: order.instrumentId, side: order.side, orderType: working.orderType, quantityType: 'BASE', quantity: dec(order.quantity), timeInForce: working.timeInForce, timeInForceGiven: false };
    if (working.limitPrice !== undefined) draft.limitPrice = dec(working.limitPrice);
    if (working.stopPrice !== undefined) draft.stopPrice = dec(working.stopPrice);
    const check = preTradeCheck({
      draft,
      spec: instrument.spec,
      status: instrument.status,
      book: working.orderType === 'MARKET' ? venue.getBook(instrument.spec.symbol, bookDepthFor(order.side, this.ctx.config.estimateDepth)) : undefined,
      freeBase: this.deps.book.free(order.tradingAccountId, order.baseAsset),
      freeQuote: this.deps.book.free(order.tradingAccountId, order.quoteAsset),
      buffer: this.lockBuffer,
    });
    if (!check.ok) return refuse(check.error.message);
    const next: Order = { ...order, emulated: false, lockAsset: check.lockAsset, lockedAmount: str(check.lockAmount), updatedAt: this.ctx.clock.now() };
    if (order.status === 'CREATED') next.status = 'SUBMITTED';
    const venueAccount = this.deps.vault.venueAccount(account, venue.capabilities.requiresCredential);
    try {
      await recordThenCall(
        this.ctx,
        venue,
        () => this.deps.ledger.write(next, [], () => this.deps.book.lock(order.tradingAccountId, check.lockAsset, check.lockAmount)),
        () => venue.submitOrder(working, venueAccount),
      );
    } catch (err) {
      refuse(reasonOf(err, 'venue refused the order'));
    }
  }
}
