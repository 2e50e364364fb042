/**
 * @module errors
 * Every failure the SDK reports is a `CadenzaError`; its subclasses name the layer that failed:
 *
 * - `CadenzaRpcError`   the server refused the call (`{error: {code, message, temporary?}}` inside an RPC result);
 *                       `code` is the contract's AABBB number (module AA, error BBB), `name` a stable symbolic name
 *                       from `rpcErrorNames` when the code is known.
 * - `ProtocolError`     the Centrifugo layer refused it (reply error 101 unauthorized, 103 permission denied,
 *                       104 method not found, 107 bad request, 109 token expired, 111 too many requests…) or the
 *                       client failed locally (codes < 100: 1 timeout, 3 disconnected, …).
 * - `AuthError`         the Supabase-compatible auth endpoints refused a login or refresh (HTTP status + GoTrue code).
 * - `ValidationError`   params or a result did not match the contract's JSON Schema (only with runtime validation on).
 *
 * `temporary` is true when retrying the same call may succeed.
 */

/** Base class of every SDK error. */
export class CadenzaError extends Error {
  override name = 'CadenzaError';
  /** True when retrying the same call may succeed. */
  readonly temporary: boolean;
  constructor(message: string, options?: { cause?: unknown; temporary?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.temporary = options?.temporary ?? false;
  }
}

/**
 * Known AABBB codes of the server's catalogue (docs/errors.md, kept equal by errors.test.ts), by symbolic name. A code missing here still
 * arrives as a `CadenzaRpcError` with its number; `errorName` is then undefined.
 */
export const rpcErrorCodes = {
  VALIDATION_FAILED: 10001,
  NOT_SUPPORTED: 10002,
  STORE_UNAVAILABLE: 10003,
  INVALID_ORDER_PARAMETERS: 11000,
  ORDER_NOT_FOUND: 11001,
  ORDER_TYPE_NOT_ALLOWED: 11002,
  TIME_IN_FORCE_NOT_ALLOWED: 11003,
  PRICE_NOT_ON_TICK: 11004,
  QUANTITY_NOT_ON_LOT: 11005,
  QUANTITY_OUT_OF_RANGE: 11006,
  NOTIONAL_TOO_SMALL: 11007,
  NOTIONAL_TOO_LARGE: 11008,
  ORDER_NOT_CANCELLABLE: 11009,
  QUANTITY_TYPE_NOT_SUPPORTED: 11010,
  NO_LIQUIDITY: 11011,
  INVALID_ORDER_TRANSITION: 11013,
  OPEN_ORDER_LIMIT_REACHED: 11014,
  TRADING_ACCOUNT_NOT_FOUND: 12001,
  INVALID_ACCOUNT_TRANSITION: 12002,
  TRADING_ACCOUNT_NOT_ACTIVE: 12003,
  TRADING_ACCOUNT_HAS_OPEN_ORDERS: 12004,
  CREDENTIAL_REQUIRED: 12005,
  INVALID_ACCOUNT_PARAMETERS: 12006,
  ACCOUNT_VENUE_MISMATCH: 12007,
  EXTERNAL_ACCOUNT_TAKEN: 12008,
  TRADING_ACCOUNT_LIMIT_REACHED: 12009,
  CREDENTIAL_NOT_FOUND: 13001,
  CREDENTIAL_REVOKED: 13002,
  CREDENTIAL_VERIFICATION_FAILED: 13003,
  INVALID_CREDENTIAL_PARAMETERS: 13004,
  INSUFFICIENT_BALANCE: 14001,
  MARGIN_INSUFFICIENT: 14002,
  POSITION_NOT_FOUND: 14003,
  INSTRUMENT_NOT_FOUND: 15001,
  INSTRUMENT_NOT_ACTIVE: 15002,
  MARKET_DATA_UNAVAILABLE: 15003,
  INVALID_MARKET_QUERY: 15004,
  SECURITY_NOT_FOUND: 15005,
  SUBSCRIPTION_NOT_FOUND: 16001,
  INVALID_SUBSCRIPTION: 16002,
  FEED_UNAVAILABLE: 16003,
  DEALER_NOT_FOUND: 18001,
  INVALID_DEALER_PARAMETERS: 18002,
  INVALID_DEALER_TRANSITION: 18003,
  DEALER_NOT_FLAT: 18004,
  DEALER_LINK_INVALID: 18005,
  DEALER_NOT_ACTIVE: 18006,
  INVALID_QUOTE_REQUEST: 18010,
  QUOTE_NOT_FOUND: 18011,
  QUOTE_EXPIRED: 18012,
  QUOTE_ALREADY_USED: 18013,
  QUOTE_NOT_ACCEPTABLE: 18014,
  QUOTE_MISMATCH: 18015,
  WALLET_NOT_FOUND: 18021,
  WALLET_FROZEN: 18022,
  WALLET_CLOSED: 18023,
  INVALID_TRANSFER: 18024,
  INVALID_WALLET_TRANSITION: 18025,
  VENUE_NOT_CONFIGURED: 19001,
  VENUE_UNAVAILABLE: 19002,
  VENUE_CAPABILITY_MISSING: 19003,
} as const;

/** Symbolic names of the known AABBB codes. */
export type RpcErrorName = keyof typeof rpcErrorCodes;

const nameByCode = new Map<number, RpcErrorName>(
  Object.entries(rpcErrorCodes).map(([name, code]) => [code, name as RpcErrorName]),
);

/** The server refused an RPC: the contract's `RpcError` with its AABBB code. */
export class CadenzaRpcError extends CadenzaError {
  override name = 'CadenzaRpcError';
  /** AABBB: AA = module, BBB = error within the module. */
  readonly code: number;
  /** Symbolic name of `code` when the SDK knows it. */
  readonly errorName: RpcErrorName | undefined;
  /** The RPC method that failed. */
  readonly method: string;
  constructor(method: string, error: { code: number; message: string; temporary?: boolean }) {
    super(`${method}: ${error.message} (${error.code})`, { temporary: error.temporary === true });
    this.code = error.code;
    this.errorName = nameByCode.get(error.code);
    this.method = method;
  }
  /** Module part of the code (e.g. 11 = trade orders). */
  get module(): number {
    return Math.floor(this.code / 1000);
  }
}

/** Centrifugo protocol error codes (server side, 100–113) and the JS client's local codes (< 100). */
export const protocolErrorCodes = {
  TIMEOUT: 1,
  TRANSPORT_CLOSED: 2,
  CLIENT_DISCONNECTED: 3,
  CLIENT_CLOSED: 4,
  INTERNAL: 100,
  UNAUTHORIZED: 101,
  UNKNOWN_CHANNEL: 102,
  PERMISSION_DENIED: 103,
  METHOD_NOT_FOUND: 104,
  ALREADY_SUBSCRIBED: 105,
  LIMIT_EXCEEDED: 106,
  BAD_REQUEST: 107,
  NOT_AVAILABLE: 108,
  TOKEN_EXPIRED: 109,
  EXPIRED: 110,
  TOO_MANY_REQUESTS: 111,
  UNRECOVERABLE_POSITION: 112,
} as const;

/** The Centrifugo layer (or the local client) refused the call; `code` is the Centrifugo error code. */
export class ProtocolError extends CadenzaError {
  override name = 'ProtocolError';
  readonly code: number;
  /** The RPC method or channel involved, when there is one. */
  readonly target: string | undefined;
  constructor(code: number, message: string, options?: { temporary?: boolean; target?: string; cause?: unknown }) {
    // Local client codes (< 100) and the server's temporary codes are retryable whatever the flag says.
    const temporary = options?.temporary === true || code < 100 || code === 100 || code === 111 || code === 113;
    super(options?.target ? `${options.target}: ${message} (${code})` : `${message} (${code})`, { temporary, cause: options?.cause });
    this.code = code;
    this.target = options?.target;
  }
}

/** The auth endpoints refused a sign-in, sign-up or refresh. `code` is GoTrue's string code when sent. */
export class AuthError extends CadenzaError {
  override name = 'AuthError';
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, message: string, code?: string, options?: { cause?: unknown }) {
    super(message, { temporary: status === 0 || status === 429 || status >= 500, cause: options?.cause });
    this.status = status;
    this.code = code;
  }
}

/** Params or a result failed the contract's JSON Schema. `issues` are readable `path: problem` lines. */
export class ValidationError extends CadenzaError {
  override name = 'ValidationError';
  readonly method: string;
  readonly direction: 'params' | 'result';
  readonly issues: string[];
  constructor(method: string, direction: 'params' | 'result', issues: string[]) {
    super(`${method}: invalid ${direction}: ${issues.join('; ')}`);
    this.method = method;
    this.direction = direction;
    this.issues = issues;
  }
}

/**
 * Turns anything a centrifuge-js call rejects with (`{code, message, temporary?}` from the server or the client)
 * into a `ProtocolError`; `CadenzaError`s pass through unchanged.
 */
export function toCadenzaError(err: unknown, target?: string): CadenzaError {
  if (err instanceof CadenzaError) return err;
  if (isCoded(err)) return new ProtocolError(err.code, err.message, { target, cause: err, ...(typeof err.temporary === 'boolean' ? { temporary: err.temporary } : {}) });
  const message = err instanceof Error ? err.message : String(err);
  return new CadenzaError(target ? `${target}: ${message}` : message, { cause: err });
}

function isCoded(e: unknown): e is { code: number; message: string; temporary?: boolean } {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number' && typeof (e as { message?: unknown }).message === 'string';
}
