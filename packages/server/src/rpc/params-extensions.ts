/**
 * @module rpc/params-extensions
 * Params a few list methods take beyond the contract's `Rpc*Params`: the filters, order and paging that the REST
 * operations document (docs/rest-api.md) but the RPC params lack. REST sends them; any RPC client may too.
 * They join the method's schema, so a bad value is refused with 10001 like any other param.
 */
import type { OperationType, RpcPagination } from '@cadenza/contract';

const isoTime = { type: 'string', format: 'date-time' };

/** Schema name → the extra properties it accepts. */
export const paramsExtensions: Record<string, Record<string, object>> = {
  RpcListTradeOrdersParams: { ascending: { type: 'boolean' }, orderListId: { type: 'string', format: 'uuid' }, externalOrderListId: { type: 'string' } },
  RpcListTradingAccountsParams: { userId: { type: 'string', format: 'uuid' }, tenantId: { type: 'string' } },
  RpcListTradingAccountOperationsParams: { operationType: { $ref: '#/definitions/OperationType' }, startTime: isoTime, endTime: isoTime },
  RpcListTickersParams: { pagination: { $ref: '#/definitions/RpcPagination' } },
  RpcListSecuritiesParams: { limit: { type: 'integer', minimum: 1, maximum: 1000 }, offset: { type: 'integer', minimum: 0 } },
  RpcListKlinesParams: { startTime: isoTime, endTime: isoTime, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
};

export interface ListTradeOrdersExtras {
  ascending?: boolean;
  /** The legs of one order list (OCO, OTO, OTOCO). */
  orderListId?: string;
  externalOrderListId?: string;
}
export interface ListTradingAccountsExtras {
  userId?: string;
  tenantId?: string;
}
export interface ListOperationsExtras {
  operationType?: OperationType;
  startTime?: string;
  endTime?: string;
}
export interface ListTickersExtras {
  pagination?: RpcPagination;
}
export interface ListSecuritiesExtras {
  limit?: number;
  offset?: number;
}
export interface ListKlinesExtras {
  /** Bars opening at or after / at or before these times. */
  startTime?: string;
  endTime?: string;
  /** The newest `limit` bars of the window. */
  limit?: number;
}
