/**
 * @module http/api-v3/operations/account-operations
 * `/tradingAccount/*`: the accounts, their history, their stream subscriptions and portfolios. `connect` without a
 * `tradingAccountId` finds or makes the account in the domain (TradingAccountService.connect), attaching the
 * `credentialIds`. A REST stream subscription is the USER_DATA stream (the REST body names no type).
 */
import type { RpcPortfolio, RpcSubscription, RpcTradingAccount, RpcTradingAccountOperationHistory } from '@cadenza/contract';
import { toRestOperation } from '../models/account-operation.ts';
import { toRestPortfolio } from '../models/portfolio.ts';
import { isoRange } from '../models/rest-time.ts';
import { toRestSubscription } from '../models/subscription.ts';
import { toRestTradingAccount } from '../models/trading-account.ts';
import { invalidRequest } from '../http-status.ts';
import { compact, pagination, type RestOperation } from '../rest-operation.ts';
import type { RestInput } from '../request-checks.ts';

const byAccountId = (b: RestInput) => ({ tradingAccountId: b.tradingAccountId });

function connectParams(b: RestInput): Record<string, unknown> {
  const credentialIds = (b.credentialIds as string[] | undefined) ?? [];
  return {
    tradingAccount: compact({
      venue: b.venue,
      externalAccountId: b.externalTradingAccountId,
      nickname: b.nickname,
      // A FERMATA account's dealer (docs/otc.md).
      dealerAccountId: b.dealerAccountId,
      credentials: credentialIds.length ? credentialIds.map((credentialId) => ({ credentialId })) : undefined,
    }),
  };
}

function unsubscribeParams(b: RestInput): Record<string, unknown> {
  if (b.instrumentId !== undefined) throw invalidRequest('instrumentId names an order-book subscription: use /api/v3/market/subscription/orderBook/unsubscribe');
  if (b.subscriptionId === undefined && b.tradingAccountId === undefined) throw invalidRequest('give subscriptionId or tradingAccountId');
  return compact({ tradingAccountId: b.tradingAccountId, subscriptionId: b.subscriptionId });
}

export const accountOperations: RestOperation[] = [
  { operationId: 'connectTradingAccount', rpc: 'command.trading_account.connect', request: connectParams, response: toRestTradingAccount },
  { operationId: 'disconnectTradingAccount', rpc: 'command.trading_account.disconnect', request: byAccountId, response: toRestTradingAccount },
  { operationId: 'enableTradingAccount', rpc: 'command.trading_account.enable', request: byAccountId, response: toRestTradingAccount },
  { operationId: 'disableTradingAccount', rpc: 'command.trading_account.disable', request: byAccountId, response: toRestTradingAccount },
  {
    operationId: 'updateTradingAccount',
    rpc: 'command.trading_account.update',
    request: (b) => ({ tradingAccount: compact({ tradingAccountId: b.tradingAccountId, nickname: b.nickname }) }),
    response: toRestTradingAccount,
  },
  {
    operationId: 'listTradingAccounts',
    rpc: 'query.trading_account.list',
    request: (q) => compact({ tradingAccountId: q.tradingAccountId, venue: q.venue, status: q.accountStatus, userId: q.userId, tenantId: q.tenantId, pagination: pagination(q) }),
    response: (accounts: RpcTradingAccount[]) => accounts.map((a) => toRestTradingAccount(a)),
  },
  {
    operationId: 'listTradingAccountOperations',
    rpc: 'query.trading_account.operation.list',
    request: (q) =>
      compact({
        tradingAccountId: q.tradingAccountId,
        operationType: q.operationType,
        ...isoRange(q),
        pagination: pagination(q),
      }),
    response: (ops: RpcTradingAccountOperationHistory[]) => ops.map((op) => toRestOperation(op)),
  },
  {
    operationId: 'subscribeTradingAccount',
    rpc: 'command.trading_account.subscribe',
    request: (b) => ({ tradingAccount: { tradingAccountId: b.tradingAccountId }, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' }),
    response: (s: RpcSubscription, b) => toRestSubscription(s, b.tradingAccountId as string),
  },
  {
    operationId: 'unsubscribeTradingAccount',
    rpc: 'command.trading_account.unsubscribe',
    request: unsubscribeParams,
    response: (s: RpcSubscription, b) => toRestSubscription(s, b.tradingAccountId as string | undefined),
  },
  {
    operationId: 'listTradingAccountSubscriptions',
    rpc: 'query.trading_account.subscription.list',
    request: (q) => compact({ tradingAccountId: q.tradingAccountId, pagination: pagination(q) }),
    response: (subs: RpcSubscription[], q) => subs.map((s) => toRestSubscription(s, q.tradingAccountId as string | undefined)),
  },
  {
    operationId: 'listTradingAccountPortfolios',
    rpc: 'query.portfolio.list',
    request: (q) => compact({ tradingAccountId: q.tradingAccountId, venue: q.venue, currency: q.currency, pagination: pagination(q) }),
    response: (portfolios: RpcPortfolio[]) => portfolios.map((p) => toRestPortfolio(p)),
  },
];
