/**
 * @module rpc/subscriptions
 * command.subscription.create, query.subscription.list and the order-book subscription commands.
 */
import { toRpcSubscription, type CreateSubscriptionRequest } from '@cadenza/domain';
import { user, type RpcHandlers } from './rpc-handler.ts';

function pick<T extends object>(p: T, keys: Array<keyof T>): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (p[k] !== undefined && p[k] !== null) out[k] = p[k];
  return out;
}

export const subscriptionHandlers: RpcHandlers = {
  'command.subscription.create': user(async (c, p, z) => {
    const req: CreateSubscriptionRequest = { venue: p.venue, subscriptionType: p.subscriptionType };
    if (p.instruments) req.instruments = p.instruments;
    if (p.interval) req.interval = p.interval;
    return { data: (await z.subscriptions.create(c, req)).map(toRpcSubscription) };
  }),
  'query.subscription.list': user((c, p, z) => {
    const f: { instrumentIds?: string[]; subscriptionType?: string; venue?: string } = {};
    if (p.instrumentId?.length) f.instrumentIds = p.instrumentId;
    if (p.subscriptionType) f.subscriptionType = p.subscriptionType;
    if (p.venue) f.venue = p.venue;
    return { data: z.subscriptions.list(c, f).map(toRpcSubscription) };
  }),
  'command.market.subscription.orderbook.subscribe': user(async (c, p, z) => ({
    data: (await z.subscriptions.subscribeOrderBook(c, pick(p, ['instrumentIds', 'venue', 'symbols']))).map(toRpcSubscription),
  })),
  'command.market.subscription.orderbook.unsubscribe': user(async (c, p, z) => ({
    data: toRpcSubscription(await z.subscriptions.unsubscribeMarket(c, pick(p, ['subscriptionId', 'instrumentId']))),
  })),
  'query.market.subscription.orderbook.list': user((c, p, z) => ({
    data: z.subscriptions.listOrderBook(c, pick(p, ['instrumentIds', 'venue', 'symbols'])).map(toRpcSubscription),
  })),
};
