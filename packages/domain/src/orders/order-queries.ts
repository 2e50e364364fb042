/**
 * @module orders/order-queries
 * Reads of orders for `query.trade_order.*`: memory first, then the store (ports/store.ts). Another user's order
 * answers "not found".
 */
import type { RpcListTradeExecutionsParams } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CallerContext } from '../model/caller.ts';
import type { Order } from '../model/order.ts';
import { fromIso } from '../model/time.ts';
import type { Fill } from '../model/order.ts';
import type { FillFilter, OrderFilter, Paged } from '../ports/store.ts';
import type { OpenOrders, OrderLookup } from './open-orders.ts';

export interface OrderListFilter {
  tradingAccountId?: string;
  tradeOrderId?: string;
  instrumentId?: string;
  side?: string;
  orderType?: string | null;
  status?: string | null;
  startTime?: string;
  endTime?: string;
  orderListId?: string;
  externalOrderListId?: string;
  ascending?: boolean;
}

/** The executions query's filters (docs/extensions.md): its params without the page. */
export type ExecutionListFilter = Omit<RpcListTradeExecutionsParams, 'pagination'>;

export class OrderQueries {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountRegistry,
    private readonly live: OpenOrders,
  ) {}

  async get(caller: CallerContext, q: OrderLookup): Promise<Order> {
    let order: Order | undefined;
    if (q.tradeOrderId) {
      order = await this.live.stored(q.tradeOrderId);
      if (order && q.tradingAccountId && order.tradingAccountId !== q.tradingAccountId) order = undefined;
    } else if (q.tradingAccountId && (q.clientOrderId || q.externalOrderId)) {
      const account = this.accounts.requireOwned(caller, q.tradingAccountId);
      order = await this.live.lookup(account.tradingAccountId, q);
    } else {
      throw new DomainError('INVALID_ORDER_PARAMETERS', 'tradeOrderId, or tradingAccountId with clientOrderId or externalOrderId, is required');
    }
    if (!order || !this.accounts.isOwner(caller, order.tradingAccountId)) throw new DomainError('ORDER_NOT_FOUND', 'trade order not found');
    return order;
  }

  async list(caller: CallerContext, f: OrderListFilter, page: { offset: number; limit: number }): Promise<Paged<Order>> {
    const accountIds = await this.accountScope(caller, f.tradingAccountId);
    const filter: OrderFilter = {};
    if (accountIds) filter.tradingAccountIds = accountIds;
    if (f.tradeOrderId) filter.tradeOrderId = f.tradeOrderId;
    if (f.instrumentId) filter.instrumentId = f.instrumentId;
    if (f.side) filter.side = f.side;
    if (f.orderType) filter.orderType = f.orderType;
    if (f.status) filter.status = f.status;
    if (f.startTime) filter.createdFrom = fromIso(f.startTime) ?? 0;
    if (f.endTime) filter.createdTo = fromIso(f.endTime) ?? Number.MAX_SAFE_INTEGER;
    if (f.orderListId) filter.orderListId = f.orderListId;
    if (f.externalOrderListId) filter.externalOrderListId = f.externalOrderListId;
    if (f.ascending) filter.ascending = true;
    return this.ctx.store.listOrders(filter, page);
  }

  /** The caller's fills (an admin's: everyone's), newest first unless `ascending`. */
  async executions(caller: CallerContext, f: ExecutionListFilter, page: { offset: number; limit: number }): Promise<Paged<Fill>> {
    const filter: FillFilter = {};
    const accountIds = await this.accountScope(caller, f.tradingAccountId);
    if (accountIds) filter.tradingAccountIds = accountIds;
    if (f.tradeOrderId) filter.tradeOrderId = f.tradeOrderId;
    if (f.tradeOrderIds) filter.tradeOrderIds = f.tradeOrderIds;
    if (f.instrumentId) filter.instrumentId = f.instrumentId;
    if (f.startTime) filter.executedFrom = fromIso(f.startTime) ?? 0;
    if (f.endTime) filter.executedTo = fromIso(f.endTime) ?? Number.MAX_SAFE_INTEGER;
    if (f.ascending) filter.ascending = true;
    return this.ctx.store.listExecutions(filter, page);
  }

  /** The accounts a query may read: the one named (the caller's own, else not found), or all of the caller's (admin: all). */
  private async accountScope(caller: CallerContext, tradingAccountId: string | undefined): Promise<string[] | undefined> {
    if (tradingAccountId) return [this.accounts.requireOwned(caller, tradingAccountId).tradingAccountId];
    if (caller.isAdmin) return undefined;
    return (await this.ctx.store.listTradingAccounts({ userId: caller.userId }, { offset: 0, limit: 10_000 })).items.map((a) => a.tradingAccountId);
  }

}
