/**
 * @module http/api-v3/rest-operation
 * One entry of the REST route table: the contract operation (its verb, path, parameters and answer model come from
 * the OpenAPI document, by `operationId`), the RPC method it dispatches, and the two mappers between the REST
 * and RPC shapes. Whether the answer is a page (`pagination`) or the standalone `{errno, error, data}` wrapper
 * is read from the operation's answer model, not repeated here.
 */
import type { RpcPagination, VenueStatus } from '@cadenza/contract';
import { invalidRequest } from './http-status.ts';
import type { RestInput } from './request-checks.ts';

export interface RestOperation {
  operationId: string;
  /** The method dispatched; null = not served by this server yet (answers 501 NOT_IMPLEMENTED). */
  rpc: string | null;
  /** The checked REST query or body → the method's params (default: passed as they are). */
  request?: (input: RestInput) => Record<string, unknown>;
  /** The method's `data` → the REST `data` (default: as it is). May throw a RestError. */
  response?: (data: any, input: RestInput, context: RestContext) => unknown;
}

/** What a response mapper may ask of the server beyond the method's answer. */
export interface RestContext {
  venueStatus(venue: string): VenueStatus;
  /** Another RPC method's `data`, as the same caller (a refusal throws as the operation's own would). */
  call(method: string, params: Record<string, unknown>): Promise<any>;
}

/** The object without its undefined values (RPC params carry only what the client gave). */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** REST `limit`/`offset`/`cursor` → the RPC `pagination`. A cursor is the offset this server answered in `pagination.cursor`. */
export function pagination(input: RestInput): RpcPagination {
  const limit = input.limit as number | undefined;
  if (input.cursor === undefined) return compact({ limit, offset: input.offset as number | undefined });
  if (typeof input.cursor !== 'string' || !/^\d{1,15}$/.test(input.cursor)) throw invalidRequest('cursor is not one this server answered in pagination.cursor');
  return compact({ limit, offset: Number(input.cursor) });
}
