/**
 * The REST operations of the contract's catalogue (docs/rest-api.md; auth and health are served elsewhere) and the RPC method each one
 * translates to; `rpc: null` = no RPC analogue in this server yet (answered 501, never faked).
 */
export interface RestRoute {
  verb: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  rpc: string | null;
  /** REST answers an array where RPC answers one model (`tradeOrder/submit`). */
  wrapArray?: boolean;
  /** Reshapes the (renamed) REST body into the RPC params where the two differ in nesting. */
  shape?: (body: Record<string, unknown>) => Record<string, unknown>;
}

const underTradingAccount = (body: Record<string, unknown>) => ({ tradingAccount: body });
/** REST submit is flat; RPC nests the order draft under `tradeOrder`. */
const submitShape = ({ tradingAccountId, idempotencyKey, awaitClosed, ...order }: Record<string, unknown>) => ({
  tradingAccountId, tradeOrder: order,
  ...(idempotencyKey !== undefined ? { idempotencyKey } : {}), ...(awaitClosed !== undefined ? { awaitClosed } : {}),
});

export const restRoutes: readonly RestRoute[] = [
  { verb: 'GET', path: '/api/v3', rpc: 'query.system.info' },
  { verb: 'POST', path: '/api/v3/tradeOrder/submit', rpc: 'command.trade_order.submit', wrapArray: true, shape: submitShape },
  { verb: 'POST', path: '/api/v3/tradeOrder/cancel', rpc: 'command.trade_order.cancel' },
  { verb: 'GET', path: '/api/v3/tradeOrder/list', rpc: 'query.trade_order.list' },
  { verb: 'GET', path: '/api/v3/credential/list', rpc: 'query.credential.list' },
  { verb: 'POST', path: '/api/v3/credential/create', rpc: 'command.credential.create' },
  { verb: 'POST', path: '/api/v3/credential/revoke', rpc: 'command.credential.revoke' },
  { verb: 'POST', path: '/api/v3/credential/rotate', rpc: 'command.credential.rotate' },
  { verb: 'POST', path: '/api/v3/credential/verify', rpc: 'command.credential.verify' },
  { verb: 'POST', path: '/api/v3/tradingAccount/connect', rpc: 'command.trading_account.connect', shape: underTradingAccount },
  { verb: 'POST', path: '/api/v3/tradingAccount/disconnect', rpc: 'command.trading_account.disconnect' },
  { verb: 'POST', path: '/api/v3/tradingAccount/update', rpc: 'command.trading_account.update', shape: underTradingAccount },
  { verb: 'GET', path: '/api/v3/tradingAccount/list', rpc: 'query.trading_account.list' },
  { verb: 'POST', path: '/api/v3/tradingAccount/disable', rpc: 'command.trading_account.disable' },
  { verb: 'POST', path: '/api/v3/tradingAccount/enable', rpc: 'command.trading_account.enable' },
  { verb: 'GET', path: '/api/v3/tradingAccount/operation/list', rpc: 'query.trading_account.operation.list' },
  { verb: 'POST', path: '/api/v3/tradingAccount/subscription/subscribe', rpc: 'command.trading_account.subscribe' },
  { verb: 'POST', path: '/api/v3/tradingAccount/subscription/unsubscribe', rpc: 'command.trading_account.unsubscribe' },
  { verb: 'GET', path: '/api/v3/tradingAccount/subscription/list', rpc: 'query.trading_account.subscription.list' },
  { verb: 'GET', path: '/api/v3/tradingAccount/portfolio/list', rpc: 'query.portfolio.list' },
  { verb: 'POST', path: '/api/v3/market/subscription/orderBook/subscribe', rpc: 'command.market.subscription.orderbook.subscribe' },
  { verb: 'POST', path: '/api/v3/market/subscription/orderBook/unsubscribe', rpc: 'command.market.subscription.orderbook.unsubscribe' },
  { verb: 'GET', path: '/api/v3/market/subscription/orderBook/list', rpc: 'query.market.subscription.orderbook.list' },
  { verb: 'GET', path: '/api/v3/market/venue/list', rpc: 'query.venue.list' },
  { verb: 'POST', path: '/api/v3/market/instrument/sync', rpc: 'command.instrument.sync' },
  { verb: 'DELETE', path: '/api/v3/market/instrument/delete', rpc: 'command.instrument.delete' },
  { verb: 'POST', path: '/api/v3/market/instrument/enable', rpc: 'command.instrument.enable' },
  { verb: 'POST', path: '/api/v3/market/instrument/disable', rpc: 'command.instrument.disable' },
  { verb: 'GET', path: '/api/v3/market/instrument/list', rpc: 'query.instrument.list' },
  { verb: 'POST', path: '/api/v3/market/security/sync', rpc: 'command.security.sync' },
  { verb: 'DELETE', path: '/api/v3/market/security/delete', rpc: 'command.security.delete' },
  { verb: 'GET', path: '/api/v3/market/security/list', rpc: 'query.security.list' },
  { verb: 'GET', path: '/api/v3/market/orderBook/get', rpc: 'query.orderbook.get' },
  { verb: 'GET', path: '/api/v3/market/orderBook/list', rpc: 'query.orderbook.list' },
  { verb: 'GET', path: '/api/v3/market/ticker/get', rpc: null },
  { verb: 'GET', path: '/api/v3/market/ticker/list', rpc: 'query.ticker.list' },
  { verb: 'GET', path: '/api/v3/market/kline/get', rpc: 'query.kline.list' },
  { verb: 'POST', path: '/api/v3/quote/rfq', rpc: null },
  ...['create', 'pause', 'resume', 'archive', 'link', 'unlink'].map((a) => ({ verb: 'POST' as const, path: `/api/v3/fermata/dealer/${a}`, rpc: null })),
  { verb: 'GET', path: '/api/v3/fermata/dealer/get', rpc: null },
  { verb: 'GET', path: '/api/v3/fermata/dealer/list', rpc: null },
  ...['create', 'transfer', 'freeze', 'unfreeze', 'close'].map((a) => ({ verb: 'POST' as const, path: `/api/v3/fermata/wallet/${a}`, rpc: null })),
  { verb: 'GET', path: '/api/v3/fermata/wallet/get', rpc: null },
  { verb: 'GET', path: '/api/v3/fermata/wallet/list', rpc: null },
];
