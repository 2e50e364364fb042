/**
 * @module paper/paper-venue-error
 * Refusals of the PAPER and MOCK venues that are not order rejections (those are `rejected` execution events):
 * unknown symbol, unsupported kline interval, cancelling an order that is not open, amend terms that do not fit.
 * Never retryable.
 */
export type PaperVenueErrorCode = 'UNKNOWN_SYMBOL' | 'UNSUPPORTED_INTERVAL' | 'ORDER_NOT_OPEN' | 'AMEND_REFUSED';

/** A refusal with a stable code; the venue methods reject their promise with it in the cases the module notes list. */
export class PaperVenueError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: PaperVenueErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PaperVenueError';
  }
}
