/**
 * @module commands/orders
 * `order submit|cancel|list|get`.
 */
import { OrderStatusValues, OrderTypeValues, TimeInForceValues, type OrderSide, type OrderStatus, type OrderType, type RpcTradeOrder, type RpcTradeOrderWithExtensions, type TimeInForce } from '@cadenza/contract';
import { isDecimalString } from '../../decimal-string.ts';
import type { CadenzaClient } from '../../cadenza-client.ts';
import { UsageError, type CliContext } from '../context.ts';
import { flag, int, str, type Command } from '../command.ts';
import { instrumentArg } from '../instrument-args.ts';
import { renderRecord, renderTable } from '../table.ts';
import { accountOption, resolveAccount } from './accounts.ts';

const orderColumns = [
  { header: 'ORDER', value: (o: RpcTradeOrder) => o.tradeOrderId },
  { header: 'INSTRUMENT', value: (o: RpcTradeOrder) => o.instrumentId },
  { header: 'SIDE', value: (o: RpcTradeOrder) => o.orderSide },
  { header: 'TYPE', value: (o: RpcTradeOrder) => o.orderType },
  { header: 'QTY', value: (o: RpcTradeOrder) => o.quantity },
  { header: 'PRICE', value: (o: RpcTradeOrder) => o.limitPrice },
  { header: 'STOP', value: (o: RpcTradeOrder) => o.stopPrice },
  { header: 'FILLED', value: (o: RpcTradeOrder) => o.executedQuantity },
  { header: 'AVG PRICE', value: (o: RpcTradeOrder) => o.executedPrice },
  { header: 'STATUS', value: (o: RpcTradeOrder) => o.status },
  { header: 'CREATED', value: (o: RpcTradeOrder) => o.createdAt },
];

function orderRecord(o: RpcTradeOrderWithExtensions): string {
  return renderRecord([
    ['order', o.tradeOrderId],
    ['account', o.tradingAccountId],
    ['instrument', o.instrumentId],
    ['side', o.orderSide],
    ['type', o.orderType],
    ['quantity', o.quantity],
    ['limit price', o.limitPrice],
    ['stop price', o.stopPrice],
    ['time in force', o.timeInForce],
    ['leverage', o.leverage === undefined ? undefined : `${o.leverage}×`],
    ['position', o.positionId],
    ['status', o.status],
    ['filled', o.executedQuantity],
    ['avg price', o.executedPrice],
    ['cost', o.executedCost],
    ['fees', o.fees?.map((f) => `${f.quantity} ${f.asset}`)],
    ['reject reason', o.rejectReason],
    ['created', o.createdAt],
    ['updated', o.updatedAt],
  ]);
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  const up = value.toUpperCase();
  if (!(allowed as readonly string[]).includes(up)) throw new UsageError(`unknown ${what} ${JSON.stringify(value)}; one of: ${allowed.join(', ')}`);
  return up as T;
}

function decimal(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isDecimalString(value) || value.startsWith('-')) throw new UsageError(`${what} must be a positive decimal like 0.01, got ${JSON.stringify(value)}`);
  return value;
}

export const orderSubmit: Command = {
  name: 'order submit',
  summary: 'Submit an order: MARKET, LIMIT with --price, STOP_LOSS with --stop, STOP_LOSS_LIMIT with both; --leverage on derivatives',
  usage: 'BUY|SELL QUANTITY INSTRUMENT',
  options: {
    price: { type: 'string', value: 'PRICE', description: 'limit price: a LIMIT order (STOP_LOSS_LIMIT with --stop)' },
    stop: { type: 'string', value: 'PRICE', description: 'stop (trigger) price: a STOP_LOSS order (STOP_LOSS_LIMIT with --price)' },
    type: { type: 'string', value: 'TYPE', description: `order type, overriding the above (${OrderTypeValues.filter((t) => t !== 'UNKNOWN').join(', ')})` },
    tif: { type: 'string', value: 'TIF', description: 'time in force: GTC, IOC, FOK… (the venue default otherwise)' },
    account: accountOption,
    wait: { type: 'boolean', description: 'wait until the order is closed (filled, cancelled, rejected)' },
    key: { type: 'string', value: 'KEY', description: 'idempotency key: the same key again returns the same order (default: a fresh one)' },
    'client-order-id': { type: 'string', value: 'ID', description: 'your own id for the order' },
    leverage: { type: 'string', value: 'N', description: 'derivatives: the leverage to margin the order at, a whole number (default: the open position\'s, else the account\'s)' },
    position: { type: 'string', value: 'ID', description: 'derivatives: the open position to reduce or close (the order is reduce-only)' },
  },
  details: [
    'examples:',
    '  cadenza order submit BUY 0.01 PAPER:BTC/USDT                         market order',
    '  cadenza order submit BUY 0.01 PAPER:BTC/USDT --price 50000           limit order',
    '  cadenza order submit SELL 0.01 PAPER:BTC/USDT --stop 60000           stop-loss (market when triggered)',
    '  cadenza order submit SELL 0.01 PAPER:BTC/USDT --stop 60000 --price 59900',
    '  cadenza order submit BUY 0.5 PAPER:BTC-PERP --leverage 5               a 5× long on the perpetual',
    '  cadenza order submit SELL 0.5 PAPER:BTC-PERP --position POSITION_ID    close it',
  ],
  async run(ctx, args) {
    const [sideArg, qtyArg, instrumentText] = args.positionals;
    const side = oneOf<OrderSide>(sideArg, ['BUY', 'SELL'], 'side');
    const quantity = decimal(qtyArg, 'QUANTITY');
    if (!side || !quantity || !instrumentText) throw new UsageError('expected SIDE QUANTITY INSTRUMENT, e.g. `cadenza order submit BUY 0.01 PAPER:BTC/USDT --price 50000`');
    const { instrumentId, venue } = instrumentArg(instrumentText);
    const leverage = str(args, 'leverage') === undefined ? undefined : int(args, 'leverage', 1);
    const positionId = str(args, 'position');
    const limitPrice = decimal(str(args, 'price'), '--price');
    const stopPrice = decimal(str(args, 'stop'), '--stop');
    const implied: OrderType = stopPrice ? (limitPrice ? 'STOP_LOSS_LIMIT' : 'STOP_LOSS') : limitPrice ? 'LIMIT' : 'MARKET';
    const orderType = oneOf<OrderType>(str(args, 'type'), OrderTypeValues, 'order type') ?? implied;
    const timeInForce = oneOf<TimeInForce>(str(args, 'tif'), TimeInForceValues, 'time in force');
    const client = await ctx.connect();
    const tradingAccountId = await resolveAccount(ctx, client, str(args, 'account'), venue);
    const clientOrderId = str(args, 'client-order-id');
    ctx.out.progress(`Submitting ${side} ${quantity} ${instrumentId} ${orderType}${stopPrice ? ` stop ${stopPrice}` : ''}${limitPrice ? ` @ ${limitPrice}` : ''}${leverage ? ` at ${leverage}×` : ''}${positionId ? ` on position ${positionId}` : ''} …`);
    let order = await client.submitOrder(
      tradingAccountId,
      { instrumentId, orderSide: side, orderType, quantity, ...(limitPrice ? { limitPrice } : {}), ...(stopPrice ? { stopPrice } : {}), ...(timeInForce ? { timeInForce } : {}), ...(clientOrderId ? { clientOrderId } : {}), ...(leverage ? { leverage } : {}), ...(positionId ? { positionId } : {}) },
      { ...(str(args, 'key') ? { idempotencyKey: str(args, 'key')! } : {}) },
    );
    if (flag(args, 'wait') && order.tradeOrderId) {
      ctx.out.progress(`Order ${order.tradeOrderId} is ${order.status}; waiting until it closes …`);
      order = await client.awaitClosed(tradingAccountId, order.tradeOrderId);
    }
    ctx.out.result(order, () => orderRecord(order));
  },
};

/** The account of an order, when the user did not say. */
async function accountOfOrder(ctx: CliContext, client: CadenzaClient, tradeOrderId: string, explicit: string | undefined): Promise<string> {
  if (explicit) return explicit;
  const order = await client.rpc('query.trade_order.get', { tradeOrderId });
  if (order?.tradingAccountId) return order.tradingAccountId;
  return resolveAccount(ctx, client, undefined);
}

export const orderCancel: Command = {
  name: 'order cancel',
  summary: 'Cancel an open order',
  usage: 'ORDER_ID',
  options: { account: { ...accountOption, description: "the order's account (looked up from the order when left out)" } },
  async run(ctx, args) {
    const tradeOrderId = args.positionals[0];
    if (!tradeOrderId) throw new UsageError('which order? `cadenza order cancel ORDER_ID`');
    const client = await ctx.connect();
    const tradingAccountId = await accountOfOrder(ctx, client, tradeOrderId, str(args, 'account'));
    ctx.out.progress(`Cancelling ${tradeOrderId} …`);
    const order = await client.cancelOrder(tradingAccountId, tradeOrderId);
    ctx.out.result(order, () => orderRecord(order));
  },
};

export const orderGet: Command = {
  name: 'order get',
  summary: 'Show one order',
  usage: 'ORDER_ID',
  options: { account: { ...accountOption, description: "the order's account (optional)" } },
  async run(ctx, args) {
    const tradeOrderId = args.positionals[0];
    if (!tradeOrderId) throw new UsageError('which order? `cadenza order get ORDER_ID`');
    const client = await ctx.connect();
    const account = str(args, 'account');
    const order = await client.rpc('query.trade_order.get', { tradeOrderId, ...(account ? { tradingAccountId: account } : {}) });
    ctx.out.result(order, () => (order ? orderRecord(order) : '(none)'));
  },
};

export const orderList: Command = {
  name: 'order list',
  summary: 'List orders of an account (newest first)',
  usage: '',
  options: {
    account: accountOption,
    status: { type: 'string', value: 'STATUS', description: 'only orders in this status (NEW, ACCEPTED, FILLED, CANCELLED…)' },
    instrument: { type: 'string', value: 'ID', description: 'only this instrument, e.g. PAPER:BTC/USDT or PAPER:BTC-PERP' },
    limit: { type: 'string', value: 'N', description: 'at most N orders (default 50)' },
  },
  async run(ctx, args) {
    const client = await ctx.connect();
    const tradingAccountId = await resolveAccount(ctx, client, str(args, 'account'));
    const status = oneOf<OrderStatus>(str(args, 'status'), OrderStatusValues, 'status');
    const instrument = str(args, 'instrument');
    const page = await client.rpcResult('query.trade_order.list', {
      tradingAccountId,
      ...(status ? { status } : {}),
      ...(instrument ? { instrumentId: instrumentArg(instrument).instrumentId } : {}),
      pagination: { limit: int(args, 'limit', 50) },
    });
    const list = page.data;
    ctx.out.result(list, () => renderTable(list, orderColumns) + (page.pagination?.hasNext ? `\n… more (total ${page.pagination.total ?? '?'})` : ''));
  },
};
