/**
 * @module rpc/trading-accounts
 * command.trading_account.* and query.trading_account.* (including the account stream subscriptions).
 */
import type {
  RpcConnectTradingAccountParams,
  RpcCreateTradingAccountParams,
  RpcDeleteTradingAccountParams,
  RpcDisableTradingAccountParams,
  RpcDisconnectTradingAccountParams,
  RpcEnableTradingAccountParams,
  RpcListTradingAccountOperationsParams,
  RpcListTradingAccountSubscriptionsParams,
  RpcListTradingAccountsParams,
  RpcSaveTradingAccountsParams,
  RpcSubscribeTradingAccountStreamParams,
  RpcUnsubscribeTradingAccountStreamParams,
  RpcUpdateTradingAccountParams,
  RpcValidateTradingAccountParams,
} from '@cadenza/contract';
import { pageOf, paginationOf, toRpcOperation, toRpcSubscription } from '@cadenza/domain';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

export const tradingAccountHandlers: RpcHandlers = {
  'command.trading_account.create': user((c, p: RpcCreateTradingAccountParams, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.create(c, p.tradingAccount)) })),
  'command.trading_account.save': admin((c, p: RpcSaveTradingAccountsParams, z) => ({ data: z.tradingAccounts.save(c, p.tradingAccounts).map((a) => z.accounts.toRpc(a)) })),
  'command.trading_account.delete': user((c, p: RpcDeleteTradingAccountParams, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.delete(c, p.tradingAccountId)) })),
  'command.trading_account.update': user((c, p: RpcUpdateTradingAccountParams, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.update(c, p.tradingAccount)) })),
  'command.trading_account.validate': user(async (c, p: RpcValidateTradingAccountParams, z) => ({ data: { isValid: await z.tradingAccounts.validate(c, p.tradingAccount) } })),
  'command.trading_account.connect': user(async (c, p: RpcConnectTradingAccountParams, z) => ({ data: z.accounts.toRpc(await z.tradingAccounts.connect(c, p.tradingAccount)) })),
  'command.trading_account.disconnect': user((c, p: RpcDisconnectTradingAccountParams, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.disconnect(c, p.tradingAccountId)) })),
  'command.trading_account.enable': user((c, p: RpcEnableTradingAccountParams, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.enable(c, p.tradingAccountId)) })),
  'command.trading_account.disable': user((c, p: RpcDisableTradingAccountParams, z) => ({ data: z.accounts.toRpc(z.tradingAccounts.disable(c, p.tradingAccountId)) })),
  'query.trading_account.list': user(async (c, p: RpcListTradingAccountsParams, z) => {
    const page = pageOf(p.pagination);
    const filter: { tradingAccountId?: string; venue?: string; status?: string } = {};
    if (p.tradingAccountId) filter.tradingAccountId = p.tradingAccountId;
    if (p.venue) filter.venue = p.venue;
    if (p.status) filter.status = p.status;
    const r = await z.tradingAccounts.list(c, filter, page);
    return { data: r.items.map((a) => z.accounts.toRpc(a)), pagination: paginationOf(page, r) };
  }),
  'query.trading_account.operation.list': user(async (c, p: RpcListTradingAccountOperationsParams, z) => ({
    data: (await z.tradingAccounts.operations(c, p.tradingAccountId, pageOf(p.pagination))).items.map(toRpcOperation),
  })),
  'command.trading_account.subscribe': user((c, p: RpcSubscribeTradingAccountStreamParams, z) => {
    const req: { tradingAccountId?: string; subscriptionType: string } = { subscriptionType: p.subscriptionType };
    if (p.tradingAccount.tradingAccountId) req.tradingAccountId = p.tradingAccount.tradingAccountId;
    return { data: toRpcSubscription(z.subscriptions.subscribeAccount(c, req)) };
  }),
  'command.trading_account.unsubscribe': user((c, p: RpcUnsubscribeTradingAccountStreamParams, z) => {
    const req: { tradingAccountId: string; subscriptionId?: string } = { tradingAccountId: p.tradingAccountId };
    if (p.subscriptionId) req.subscriptionId = p.subscriptionId;
    return { data: toRpcSubscription(z.subscriptions.unsubscribeAccount(c, req)) };
  }),
  'query.trading_account.subscription.list': user(async (c, p: RpcListTradingAccountSubscriptionsParams, z) => {
    const req: { tradingAccountId: string; subscriptionType?: string; status?: string } = { tradingAccountId: p.tradingAccountId };
    if (p.subscriptionType) req.subscriptionType = p.subscriptionType;
    if (p.status) req.status = p.status;
    const page = pageOf(p.pagination);
    return { data: (await z.subscriptions.listAccount(c, req)).slice(page.offset, page.offset + page.limit).map(toRpcSubscription) };
  }),
};
