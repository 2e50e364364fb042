/**
 * @module binance/errors
 * The adapter's one error type. `retryable` separates transient trouble (network, 429, 5xx, unknown outcome)
 * from refusals (Binance error codes such as -2010, -1013, -2015) — the split ccxt gets right.
 */
import type { VenueErrorKind } from '../kit/venue-error.ts';

/** The kit's error kinds (rejected, rate-limited, banned, network, unknown-outcome, protocol, unsupported). */
export type BinanceErrorKind = VenueErrorKind;

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
