/**
 * @module order-extension-schemas
 * JSON Schemas of what this server adds to the contract for orders (types in order-extensions.ts; docs/extensions.md),
 * in the generated definitions' style. A subpath of its own (`@cadenza/contract/order-extension-schemas`), so that
 * apps bundling the SDK without its validation do not carry them.
 */
const str = { type: 'string' };
const uuid = { type: 'string', format: 'uuid' };
const iso = { type: 'string', format: 'date-time' };
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const nullableTif = { anyOf: [ref('TimeInForce'), { type: 'null' }] };

/** Properties added to the `RpcTradeOrder` schema. */
export const tradeOrderSchemaExtension: Record<string, object> = {
  orderListId: uuid,
  externalOrderListId: str,
  contingencyType: ref('ContingencyType'),
  orderListRole: { type: 'string', enum: ['ENTRY', 'TAKE_PROFIT', 'STOP_LOSS'] },
  takeProfitPrice: str,
  takeProfitLimitPrice: str,
  takeProfitTimeInForce: nullableTif,
  stopLossPrice: str,
  stopLossLimitPrice: str,
  stopLossTimeInForce: nullableTif,
  trailingOffset: str,
  trailingOffsetType: { type: 'string', enum: ['PRICE', 'BASIS_POINTS'] },
  emulated: { type: 'boolean' },
  leverage: { type: 'integer', minimum: 1 },
  positionId: uuid,
};

/** Schemas of the extension methods' params and results, in the generated definitions' style. */
export const extensionSchemas: Record<string, object> = {
  RpcAmendTradeOrderParams: {
    type: 'object',
    properties: { tradingAccountId: uuid, tradeOrderId: uuid, clientOrderId: str, externalOrderId: str, quantity: str, limitPrice: str, stopPrice: str },
    required: ['tradingAccountId'],
  },
  RpcAmendTradeOrderResult: { type: 'object', properties: { data: ref('RpcTradeOrder'), error: ref('RpcError') } },
  RpcCancelAllTradeOrdersParams: { type: 'object', properties: { tradingAccountId: uuid, instrumentId: str }, required: ['tradingAccountId'] },
  RpcCancelAllTradeOrdersResult: { type: 'object', properties: { data: { type: 'array', items: ref('RpcTradeOrder') }, error: ref('RpcError') } },
  RpcTradeExecution: {
    type: 'object',
    properties: {
      executionId: uuid,
      tradeOrderId: uuid,
      tradingAccountId: uuid,
      externalTradeId: str,
      venue: str,
      instrumentId: str,
      orderSide: ref('OrderSide'),
      executedQuantity: str,
      executedPrice: str,
      executedCost: str,
      fees: { type: 'array', items: ref('RpcSecurityQuantity') },
      liquidity: { type: 'string', enum: ['MAKER', 'TAKER'] },
      executedAt: iso,
    },
    required: ['executionId', 'tradeOrderId', 'tradingAccountId', 'venue', 'instrumentId', 'executedQuantity', 'executedPrice', 'executedCost', 'executedAt'],
  },
  RpcListTradeExecutionsParams: {
    type: 'object',
    properties: { tradingAccountId: uuid, tradeOrderId: uuid, tradeOrderIds: { type: 'array', items: uuid, maxItems: 1000 }, instrumentId: str, startTime: iso, endTime: iso, ascending: { type: 'boolean' }, pagination: ref('RpcPagination') },
  },
  RpcListTradeExecutionsResult: {
    type: 'object',
    properties: { data: { type: 'array', items: ref('RpcTradeExecution') }, pagination: ref('RpcPagination'), error: ref('RpcError') },
  },
};

/** The generated definitions with the extensions joined: `RpcTradeOrder` widened, the extension models added. */
export function withOrderExtensions(definitions: Record<string, object>): Record<string, object> {
  const order = definitions.RpcTradeOrder as { properties?: Record<string, object> };
  return { ...definitions, RpcTradeOrder: { ...order, properties: { ...order.properties, ...tradeOrderSchemaExtension } }, ...extensionSchemas };
}
