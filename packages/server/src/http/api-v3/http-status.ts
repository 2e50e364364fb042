/**
 * @module http/api-v3/http-status
 * The HTTP status of every refusal, by what it means (docs/errors.md has the same table):
 *   400  the request itself is wrong or breaks a rule that holds whatever the state (validation, tick, lot, limits)
 *   404  what the request names does not exist for the caller
 *   409  the request is fine but the current state refuses it (a closed order, the account's status, the balance,
 *        no liquidity, a revoked credential, an instrument not active, a venue account held by someone else, a quota
 *        reached: too many accounts or open orders)
 *   501  not offered by this server;  503  a part it needs is unavailable for now (retry)
 * The REST layer's own refusals, made before a call reaches the RPC table, have errnos of their own.
 */
import type { ErrorName } from '@cadenza/domain';
import { RestError, type HttpStatus } from './envelope.ts';

export const statusOfError: Record<ErrorName, HttpStatus> = {
  VALIDATION_FAILED: 400,
  NOT_SUPPORTED: 501,
  STORE_UNAVAILABLE: 503,
  INVALID_ORDER_PARAMETERS: 400,
  ORDER_NOT_FOUND: 404,
  ORDER_TYPE_NOT_ALLOWED: 400,
  TIME_IN_FORCE_NOT_ALLOWED: 400,
  PRICE_NOT_ON_TICK: 400,
  QUANTITY_NOT_ON_LOT: 400,
  QUANTITY_OUT_OF_RANGE: 400,
  NOTIONAL_TOO_SMALL: 400,
  NOTIONAL_TOO_LARGE: 400,
  ORDER_NOT_CANCELLABLE: 409,
  QUANTITY_TYPE_NOT_SUPPORTED: 400,
  NO_LIQUIDITY: 409,
  INVALID_ORDER_TRANSITION: 409,
  OPEN_ORDER_LIMIT_REACHED: 409,
  TRADING_ACCOUNT_NOT_FOUND: 404,
  INVALID_ACCOUNT_TRANSITION: 409,
  TRADING_ACCOUNT_NOT_ACTIVE: 409,
  TRADING_ACCOUNT_HAS_OPEN_ORDERS: 409,
  CREDENTIAL_REQUIRED: 409,
  INVALID_ACCOUNT_PARAMETERS: 400,
  ACCOUNT_VENUE_MISMATCH: 400,
  EXTERNAL_ACCOUNT_TAKEN: 409,
  TRADING_ACCOUNT_LIMIT_REACHED: 409,
  CREDENTIAL_NOT_FOUND: 404,
  CREDENTIAL_REVOKED: 409,
  CREDENTIAL_VERIFICATION_FAILED: 400,
  INVALID_CREDENTIAL_PARAMETERS: 400,
  INSUFFICIENT_BALANCE: 409,
  MARGIN_INSUFFICIENT: 409,
  POSITION_NOT_FOUND: 404,
  INSTRUMENT_NOT_FOUND: 404,
  INSTRUMENT_NOT_ACTIVE: 409,
  MARKET_DATA_UNAVAILABLE: 503,
  INVALID_MARKET_QUERY: 400,
  SECURITY_NOT_FOUND: 404,
  SUBSCRIPTION_NOT_FOUND: 404,
  INVALID_SUBSCRIPTION: 400,
  FEED_UNAVAILABLE: 503,
  VENUE_NOT_CONFIGURED: 400,
  VENUE_UNAVAILABLE: 503,
  VENUE_CAPABILITY_MISSING: 400,
  DEALER_NOT_FOUND: 404,
  INVALID_DEALER_PARAMETERS: 400,
  INVALID_DEALER_TRANSITION: 409,
  DEALER_NOT_FLAT: 409,
  DEALER_LINK_INVALID: 400,
  DEALER_NOT_ACTIVE: 409,
  INVALID_QUOTE_REQUEST: 400,
  QUOTE_NOT_FOUND: 404,
  QUOTE_EXPIRED: 409,
  QUOTE_ALREADY_USED: 409,
  QUOTE_NOT_ACCEPTABLE: 409,
  QUOTE_MISMATCH: 400,
  WALLET_NOT_FOUND: 404,
  WALLET_FROZEN: 409,
  WALLET_CLOSED: 409,
  INVALID_TRANSFER: 400,
  INVALID_WALLET_TRANSITION: 409,
};

/** Refusals made before a call reaches the RPC table (docs/errors.md, "REST transport errors"). */
export const transportErrors = {
  INVALID_TOKEN: { status: 401, errno: 10401 },
  ACCESS_DENIED: { status: 403, errno: 10403 },
  NOT_FOUND: { status: 404, errno: 10404 },
  PAYLOAD_TOO_LARGE: { status: 413, errno: 10413 },
  INTERNAL_ERROR: { status: 500, errno: 10500 },
  NOT_IMPLEMENTED: { status: 501, errno: 10501 },
} as const satisfies Record<string, { status: HttpStatus; errno: number }>;

export function transportError(name: keyof typeof transportErrors, message: string): RestError {
  const e = transportErrors[name];
  return new RestError(e.status, e.errno, name, message);
}

/** A request that does not match its operation: the domain's 10001, answered before any call. */
export function invalidRequest(message: string): RestError {
  return new RestError(400, 10001, 'VALIDATION_FAILED', message);
}
