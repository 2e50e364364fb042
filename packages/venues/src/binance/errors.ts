/**
 * @module binance/errors
 * Binance's errors are the kit's VenueError (kinds: rejected, rate-limited, banned, network, unknown-outcome,
 * protocol, unsupported), under the venue name "Binance" and with Binance's numeric codes as text ("-2010"), so
 * callers treat every connector's errors alike (`instanceof VenueError`, `kind`, `retryable`, `code`).
 */
import { VenueError, type VenueErrorKind } from '../kit/venue-error.ts';

/** The kit's error kinds. */
export type BinanceErrorKind = VenueErrorKind;

/** A VenueError raised by the Binance connector; `details.code` is Binance's numeric error code. */
export class BinanceVenueError extends VenueError {
  constructor(kind: BinanceErrorKind, message: string, details: { code?: number; httpStatus?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    const { code, ...rest } = details;
    super('Binance', kind, message, code === undefined ? rest : { ...rest, code: String(code) });
  }
}

/** -1021: timestamp outside recvWindow; the client resynchronises its server-time offset and retries once. */
export const INVALID_TIMESTAMP = '-1021';
/** -2013: order does not exist (query); -2011 cancel rejected; -2010 new order rejected; -1013 filter failure. */
export const NO_SUCH_ORDER = '-2013';
