/**
 * @module commands/orders
 * `order submit|cancel|list|get`.
 */
import { OrderStatusValues, OrderTypeValues, TimeInForceValues, type OrderSide, type OrderStatus, type OrderType, type RpcTradeOrder, type TimeInForce } from '@cadenza/contract';
import { isDecimalString } from '../../decimal-string.ts';
import type { CadenzaClient } from '../../cadenza-client.ts';
import { UsageError, type CliContext } from '../context.ts';
import { flag, int, str, type Command } from '../command.ts';
import { renderRecord, renderTable } from '../table.ts';
import { resolveAccount } from './accounts.ts';

const orderColumns = [
  { header: 'ORDER', value: (o: RpcTradeOrder) => o.tradeOrderId },
  { header: 'INSTRUMENT', value: (o: RpcTradeOrder) => o.instrumentId },
  { header: 'SIDE', value: (o: RpcTradeOrder) => o.orderSide },
  { header: 'TYPE', value: (o: RpcTradeOrder) => o.orderType },
  { header: 'QTY', value: (o: RpcTradeOrder) => o.quantity },
  { header: 'PRICE', value: (o: RpcTradeOrder) => o.limitPrice },
  { header: 'FILLED', value: (o: RpcTradeOrder) => o.executedQuantity },
  { header: 'AVG PRICE', value: (o: RpcTradeOrder) => o.executedPrice },
  { header: 'STATUS', value: (o: RpcTradeOrder) => o.status },
  { header: 'CREATED', value: (o: RpcTradeOrder) => o.createdAt },
];

function orderRecord(o: RpcTradeOrder): string {
  return renderRecord([
    ['order', o.tradeOrderId],
    ['account', o.tradingAccountId],
    ['instrument', o.instrumentId],
    ['side', o.orderSide],
    ['type', o.orderType],
    ['quantity', o.quantity],
    ['limit price', o.limitPrice],
    ['time in force', o.timeInForce],
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
  summary: 'Submit an order: LIMIT when --price is given, MARKET otherwise',
  usage: 'BUY|SELL QUANTITY INSTRUMENT [--price P] [--type TYPE] [--tif GTC] [--account ID] [--wait] [--key IDEMPOTENCY_KEY]',
  options: {
    price: { type: 'string' },
    type: { type: 'string' },
    tif: { type: 'string' },
    account: { type: 'string', short: 'a' },
    wait: { type: 'boolean' },
    key: { type: 'string' },
    'client-order-id': { type: 'string' },
  },
  async run(ctx, args) {
    const [sideArg, qtyArg, instrumentArg] = args.positionals;
    const side = oneOf<OrderSide>(sideArg, ['BUY', 'SELL'], 'side');
    const quantity = decimal(qtyArg, 'QUANTITY');
    const instrumentId = instrumentArg?.toUpperCase();
    if (!side || !quantity || !instrumentId) throw new UsageError('expected SIDE QUANTITY INSTRUMENT, e.g. `cadenza order submit BUY 0.01 PAPER:BTC/USDT --price 50000`');
    if (!/^[A-Z0-9_]+:[A-Z0-9]+\/[A-Z0-9]+$/.test(instrumentId)) throw new UsageError(`expected an instrument id like PAPER:BTC/USDT, got ${JSON.stringify(instrumentArg)}`);
    const limitPrice = decimal(str(args, 'price'), '--price');
    const orderType = oneOf<OrderType>(str(args, 'type'), OrderTypeValues, 'order type') ?? (limitPrice ? 'LIMIT' : 'MARKET');
    const timeInForce = oneOf<TimeInForce>(str(args, 'tif'), TimeInForceValues, 'time in force');
    const client = await ctx.connect();
    const tradingAccountId = await resolveAccount(ctx, client, str(args, 'account'), instrumentId.split(':')[0]);
    const clientOrderId = str(args, 'client-order-id');
    ctx.out.progress(`Submitting ${side} ${quantity} ${instrumentId} ${orderType}${limitPrice ? ` @ ${limitPrice}` : ''} …`);
    let order = await client.submitOrder(
      tradingAccountId,
      { instrumentId, orderSide: side, orderType, quantity, ...(limitPrice ? { limitPrice } : {}), ...(timeInForce ? { timeInForce } : {}), ...(clientOrderId ? { clientOrderId } : {}) },
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
  usage: 'ORDER_ID [--account ID]',
  options: { account: { type: 'string', short: 'a' } },
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
  usage: 'ORDER_ID [--account ID]',
  options: { account: { type: 'string', short: 'a' } },
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
  usage: '[--account ID] [--status STATUS] [--instrument ID] [--limit N]',
  options: { account: { type: 'string', short: 'a' }, status: { type: 'string' }, instrument: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx, args) {
    const client = await ctx.connect();
    const tradingAccountId = await resolveAccount(ctx, client, str(args, 'account'));
    const status = oneOf<OrderStatus>(str(args, 'status'), OrderStatusValues, 'status');
    const instrument = str(args, 'instrument');
    const page = await client.rpcResult('query.trade_order.list', {
      tradingAccountId,
      ...(status ? { status } : {}),
      ...(instrument ? { instrumentId: instrument.toUpperCase() } : {}),
      pagination: { limit: int(args, 'limit', 50) },
    });
    const list = page.data;
    ctx.out.result(list, () => renderTable(list, orderColumns) + (page.pagination?.hasNext ? `\n… more (total ${page.pagination.total ?? '?'})` : ''));
  },
};
