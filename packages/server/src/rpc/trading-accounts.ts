/**
 * @module rpc/trading-accounts
 * command.trading_account.* and query.trading_account.* (including the account stream subscriptions).
 */
import type { RpcListTradingAccountOperationsParams, RpcListTradingAccountSubscriptionsParams, RpcListTradingAccountsParams, RpcUnsubscribeTradingAccountStreamParams } from '@cadenza/contract';
import { fromIso, pageOf, paginationOf, slicePage, toRpcOperation, toRpcSubscription, type OperationQuery, type TradingAccountListFilter } from '@cadenza/domain';
import type { ListOperationsExtras, ListTradingAccountsExtras } from './params-extensions.ts';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

export const tradingAccountHandlers: RpcHandlers = {
  'command.trading_account.create': user((c, p, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.create(c, p.tradingAccount)) })),
  'command.trading_account.save': admin((c, p, z) => ({ data: z.tradingAccounts.save(c, p.tradingAccounts).map((a) => z.accounts.toRpc(a)) })),
  'command.trading_account.delete': user((c, p, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.delete(c, p.tradingAccountId)) })),
  'command.trading_account.update': user((c, p, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.update(c, p.tradingAccount)) })),
  'command.trading_account.validate': user(async (c, p, z) => ({ data: { isValid: await z.tradingAccounts.validate(c, p.tradingAccount) } })),
  'command.trading_account.connect': user(async (c, p, z) => ({ data: z.accounts.toRpc(await z.tradingAccounts.connect(c, p.tradingAccount)) })),
  'command.trading_account.disconnect': user((c, p, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.disconnect(c, p.tradingAccountId)) })),
  'command.trading_account.enable': user((c, p, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.enable(c, p.tradingAccountId)) })),
  'command.trading_account.disable': user((c, p, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.disable(c, p.tradingAccountId)) })),
  'query.trading_account.list': user(async (c, p: RpcListTradingAccountsParams & ListTradingAccountsExtras, z) => {
    const page = pageOf(p.pagination);
    const filter: TradingAccountListFilter = {};
    for (const k of ['tradingAccountId', 'venue', 'status', 'userId', 'tenantId'] as const) if (p[k]) filter[k] = p[k];
    const r = await z.tradingAccounts.list(c, filter, page);
    return { data: r.items.map((a) => z.accounts.toRpc(a)), pagination: paginationOf(page, r) };
  }),
  // tradingAccountId is required by the contract; REST may leave it out (every account of the caller).
  'query.trading_account.operation.list': user(async (c, p: Partial<RpcListTradingAccountOperationsParams> & ListOperationsExtras, z) => {
    const page = pageOf(p.pagination);
    const q: OperationQuery = {};
    if (p.tradingAccountId) q.tradingAccountId = p.tradingAccountId;
    if (p.operationType) q.operationType = p.operationType;
    if (p.startTime) q.from = fromIso(p.startTime) ?? 0;
    if (p.endTime) q.to = fromIso(p.endTime) ?? Number.MAX_SAFE_INTEGER;
    const r = await z.tradingAccounts.operations(c, q, page);
    return { data: r.items.map(toRpcOperation), pagination: paginationOf(page, r) };
  }),
  'command.trading_account.subscribe': user((c, p, z) => {
    const req: { tradingAccountId?: string; subscriptionType: string } = { subscriptionType: p.subscriptionType };
    if (p.tradingAccount.tradingAccountId) req.tradingAccountId = p.tradingAccount.tradingAccountId;
    return { data: toRpcSubscription(z.subscriptions.subscribeAccount(c, req)) };
  }),
  // REST may name the subscription alone (UnsubscribeRequest).
  'command.trading_account.unsubscribe': user((c, p: Partial<RpcUnsubscribeTradingAccountStreamParams>, z) => {
    const req: { tradingAccountId?: string; subscriptionId?: string } = {};
    if (p.tradingAccountId) req.tradingAccountId = p.tradingAccountId;
    if (p.subscriptionId) req.subscriptionId = p.subscriptionId;
    return { data: toRpcSubscription(z.subscriptions.unsubscribeAccount(c, req)) };
  }),
  // REST may leave the account out (every account of the caller).
  'query.trading_account.subscription.list': user(async (c, p: Partial<RpcListTradingAccountSubscriptionsParams>, z) => {
    const req: { tradingAccountId?: string; subscriptionType?: string; status?: string } = {};
    if (p.tradingAccountId) req.tradingAccountId = p.tradingAccountId;
    if (p.subscriptionType) req.subscriptionType = p.subscriptionType;
    if (p.status) req.status = p.status;
    const page = pageOf(p.pagination);
    const r = slicePage(await z.subscriptions.listAccount(c, req), page);
    return { data: r.items.map(toRpcSubscription), pagination: paginationOf(page, r) };
  }),
};
