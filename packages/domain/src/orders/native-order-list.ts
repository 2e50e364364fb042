/**
 * @module orders/native-order-list
 * An order list placed natively by its venue (Binance's `orderList/oco|oto|otoco`; `Venue.submitOrderList`): the
 * legs are recorded as orders first — SUBMITTED, `listAtVenue`, the funding leg locking what the list needs and the
 * others nothing — made durable, then the list goes to the venue whole. From then on the venue runs the list: it
 * starts the exits when the entry fills and cancels the other exit when one trades, and reports each leg as an order.
 * A list the venue refuses leaves every leg REJECTED with the venue's words.
 */
import type { DomainContext } from '../context.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CredentialVault } from '../credentials/credential-vault.ts';
import type { CallerContext } from '../model/caller.ts';
import type { ContingencyType, Order, OrderListRole } from '../model/order.ts';
import type { VenueOrderList } from '../model/venue-order.ts';
import type { Venue } from '../ports/venue.ts';
import type { OpenOrders } from './open-orders.ts';
import type { OrderDesk, SubmitOrderRequest } from './order-desk.ts';
import type { OrderLedger } from './order-ledger.ts';
import { reasonOf, toVenueOrder } from './venue-order.ts';

export interface NativeListDeps {
  live: OpenOrders;
  ledger: OrderLedger;
  desk: OrderDesk;
  accounts: AccountRegistry;
  vault: CredentialVault;
}

/** One leg to record: its order, its role and list fields, and whether it funds the list. */
export interface NativeLeg {
  role: OrderListRole;
  request: SubmitOrderRequest;
  funds: boolean;
}

/** Whether `venue` places this list itself: the type is one it lists, and an entry's order type one it takes. */
export function placesNatively(venue: Venue | undefined, type: ContingencyType, entryType: string | undefined): venue is Venue & Required<Pick<Venue, 'submitOrderList'>> {
  const lists = venue?.capabilities.orderLists;
  if (!lists || !venue.submitOrderList || !lists.types.includes(type)) return false;
  return type === 'OCO' || lists.workingTypes.includes(entryType ?? 'MARKET');
}

/** Records the legs (in order), then places the list; answers the recorded legs in their state after the call. */
export async function placeNativeList(
  ctx: DomainContext,
  deps: NativeListDeps,
  caller: CallerContext,
  venue: Venue & Required<Pick<Venue, 'submitOrderList'>>,
  list: { orderListId: string; contingencyType: ContingencyType; tradingAccountId: string },
  legs: NativeLeg[],
): Promise<Order[]> {
  const recorded: Order[] = [];
  const refuse = (reason: string) => {
    for (const o of recorded) {
      const cur = deps.live.openOrder(o.tradeOrderId);
      if (cur) deps.ledger.close(cur, 'REJECT', ctx.clock.now(), { rejectReason: reason });
    }
  };
  try {
    for (const leg of legs) {
      const fields: Partial<Order> = { ...leg.request.leg?.fields, listAtVenue: true };
      // An entry's exits point at it (recorded first).
      if (leg.role !== 'ENTRY' && recorded[0]?.orderListRole === 'ENTRY') fields.parentTradeOrderId = recorded[0].tradeOrderId;
      recorded.push(await deps.desk.submit(caller, { ...leg.request, leg: { fields, native: leg.funds ? 'FUNDS' : 'SHARES' } }));
    }
  } catch (err) {
    refuse('the order list was refused');
    throw err;
  }
  const first = recorded[0]!;
  const order: VenueOrderList = {
    orderListId: list.orderListId,
    contingencyType: list.contingencyType,
    tradingAccountId: list.tradingAccountId,
    symbol: first.symbol,
    legs: recorded.map((o) => ({ ...toVenueOrder(o, o.quantity), role: o.orderListRole! })),
  };
  try {
    const account = deps.accounts.find(list.tradingAccountId);
    if (!account) throw new Error('the trading account is gone');
    const venueAccount = deps.vault.venueAccount(account, venue.capabilities.requiresCredential);
    // The legs are durable before the venue hears of them (record-then-call.ts).
    await ctx.flush();
    await venue.submitOrderList(order, venueAccount);
  } catch (err) {
    refuse(reasonOf(err, 'venue refused the order list'));
    ctx.log.warn({ err, orderListId: list.orderListId, venue: venue.id }, 'venue refused an order list');
  }
  return recorded.map((o) => deps.live.current(o.tradeOrderId));
}
