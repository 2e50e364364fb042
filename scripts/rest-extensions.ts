/**
 * The REST operations this server adds to the contract (docs/extensions.md), in the contract's own spec shapes so
 * gen-openapi.ts writes them as it writes the contract's: the REST twins of the order methods the server adds over
 * RPC (`command.trade_order.amend`, `command.trade_order.cancel_all`, `query.trade_order.execution.list`). Each is
 * marked `x-cadenza-extension: true` in the OpenAPI document; the paths and models follow the contract's style
 * (`/api/v3/tradeOrder/<verb>`, POST with a JSON body for commands, GET with query parameters for lists, the
 * `BaseResponse` envelope, epoch-ms times beside their `…DateTime`).
 */
import type { FieldSpec, ModelSpec, RestSpec } from './contract-spec.ts';

const uuid: FieldSpec = { type: 'string', format: 'uuid', kind: 'uuid' };
const decimal: FieldSpec = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$', kind: 'decimal' };
const epochMs: FieldSpec = { type: 'integer', format: 'int64', kind: 'epoch-ms' };
const errors = { '400': 'BaseResponse', '401': 'BaseResponse', '403': 'BaseResponse', '404': 'BaseResponse', '500': 'BaseResponse' };
const envelope = (data: FieldSpec, page = false): ModelSpec => ({
  extends: ['BaseResponse'],
  fields: { data: { ...data, required: false }, ...(page ? { pagination: { type: 'object', ref: 'Pagination', required: false } } : {}) },
});

export const extensionModels: Record<string, ModelSpec> = {
  AmendTradeOrderRequest: {
    description: 'New terms for a working order; what is not given stays. Name the order by one of its ids.',
    fields: {
      tradingAccountId: { ...uuid, required: true },
      tradeOrderId: { ...uuid, required: false },
      clientOrderId: { type: 'string', required: false },
      externalOrderId: { type: 'string', required: false },
      quantity: { ...decimal, required: false, description: 'The new total quantity (what is already filled included).' },
      limitPrice: { ...decimal, required: false },
      stopPrice: { ...decimal, required: false },
    },
  },
  AmendTradeOrder200Response: envelope({ type: 'object', ref: 'TradeOrder' }),
  CancelAllTradeOrdersRequest: {
    description: 'Every working order of the account, or of one instrument in it.',
    fields: { tradingAccountId: { ...uuid, required: true }, instrumentId: { type: 'string', required: false } },
  },
  CancelAllTradeOrders200Response: envelope({ type: 'array', items: { type: 'object', ref: 'TradeOrder' } }),
  TradeOrderExecution: {
    description: 'A `TradeExecution` with the order and account it belongs to, and whether it made or took liquidity.',
    extends: ['TradeExecution'],
    fields: {
      tradeOrderId: { ...uuid, required: true },
      tradingAccountId: { ...uuid, required: true },
      liquidity: { type: 'string', enum: ['MAKER', 'TAKER'], required: false },
    },
  },
  ListTradeOrderExecutions200Response: envelope({ type: 'array', items: { type: 'object', ref: 'TradeOrderExecution' } }, true),
};

/** An operation this server adds: always says which RPC method it mirrors and why it exists. */
type ExtensionOperation = RestSpec & { rpcAnalogue: string[]; note: string };

export const extensionOperations: ExtensionOperation[] = [
  {
    method: 'POST', path: '/api/v3/tradeOrder/amend', operationId: 'amendTradeOrder', tag: 'Trading', auth: true, request: 'AmendTradeOrderRequest',
    statusCodes: { '200': 'AmendTradeOrder200Response', ...errors }, rpcAnalogue: ['command.trade_order.amend'],
    note: 'Server extension (docs/extensions.md): a working order takes a new price and/or quantity, keeping its ids.',
  },
  {
    method: 'POST', path: '/api/v3/tradeOrder/cancelAll', operationId: 'cancelAllTradeOrders', tag: 'Trading', auth: true, request: 'CancelAllTradeOrdersRequest',
    statusCodes: { '200': 'CancelAllTradeOrders200Response', ...errors }, rpcAnalogue: ['command.trade_order.cancel_all'],
    note: 'Server extension (docs/extensions.md): cancels every working order of the account (of one instrument, when given).',
  },
  {
    method: 'GET', path: '/api/v3/tradeOrder/execution/list', operationId: 'listTradeOrderExecutions', tag: 'Trading', auth: true, request: null,
    query: [
      { name: 'tradingAccountId', ...uuid, required: false },
      { name: 'tradeOrderId', ...uuid, required: false },
      { name: 'instrumentId', type: 'string', required: false },
      { name: 'startTime', ...epochMs, required: false },
      { name: 'endTime', ...epochMs, required: false },
      { name: 'limit', type: 'integer', default: 50, minimum: 1, maximum: 1000, required: false },
      { name: 'offset', type: 'integer', default: 0, minimum: 0, required: false },
      { name: 'cursor', type: 'string', required: false },
      { name: 'ascending', type: 'boolean', default: false, required: false },
    ],
    statusCodes: { '200': 'ListTradeOrderExecutions200Response', ...errors }, rpcAnalogue: ['query.trade_order.execution.list'],
    note: 'Server extension (docs/extensions.md): the caller\'s fills by account, order, instrument and time, newest first; paged.',
  },
];
