/**
 * @module binance/errors
 * The adapter's one error type. `retryable` separates transient trouble (network, 429, 5xx, unknown outcome)
 * from refusals (Binance error codes such as -2010, -1013, -2015) — the split ccxt gets right.
 */

export type BinanceErrorKind =
  /** Binance answered with an error payload `{code, msg}` (4xx). */
  | 'rejected'
  /** 429, or a request skipped because a Retry-After back-off is running. */
  | 'rate-limited'
  /** 418: the IP is banned until `retryAfterMs` passes; nothing is sent meanwhile. */
  | 'banned'
  /** Connection failure or timeout before an answer. */
  | 'network'
  /** 5xx or -1006/-1007: Binance does not know whether the request was executed. */
  | 'unknown-outcome'
  /** An answer that does not have the documented shape. */
  | 'protocol'
  /** A local refusal before anything was sent (unsupported order type, missing credential…). */
  | 'unsupported';

export class BinanceVenueError extends Error {
  override readonly name = 'BinanceVenueError';
  constructor(
    readonly kind: BinanceErrorKind,
    message: string,
    readonly details: { code?: number; httpStatus?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get code(): number | undefined {
    return this.details.code;
  }

  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'network' || this.kind === 'unknown-outcome';
  }
}

/** Binance codes meaning "this key cannot be used" (verifyCredential answers invalid rather than throwing). */
export const CREDENTIAL_REFUSAL_CODES: ReadonlySet<number> = new Set([-2014, -2015, -1022, -1002]);
/** -1021: timestamp outside recvWindow; the client resynchronises its server-time offset and retries once. */
export const INVALID_TIMESTAMP = -1021;
/** -2013: order does not exist (query); -2011 cancel rejected; -2010 new order rejected; -1013 filter failure. */
export const NO_SUCH_ORDER = -2013;
