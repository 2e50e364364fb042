/**
 * @module kit/venue-error
 * The error every connector built on the kit throws. `kind` separates transient trouble (network, rate limits, an
 * unknown outcome) from refusals (the venue's own error codes), so callers know what to retry.
 */

export type VenueErrorKind =
  /** The venue answered with an error payload: a refusal. */
  | 'rejected'
  /** 429, or a request not sent because the venue asked us to back off or our own budget is spent. */
  | 'rate-limited'
  /** The venue banned us for a while; nothing is sent until `retryAfterMs` passes. */
  | 'banned'
  /** Connection failure or timeout before an answer. */
  | 'network'
  /** 5xx or a timeout after sending: the venue may or may not have executed the request. */
  | 'unknown-outcome'
  /** An answer that does not have the documented shape. */
  | 'protocol'
  /** A local refusal before anything was sent (unsupported order, missing credential…). */
  | 'unsupported';

export class VenueError extends Error {
  override readonly name = 'VenueError';
  constructor(
    readonly venue: string,
    readonly kind: VenueErrorKind,
    message: string,
    readonly details: { code?: string; httpStatus?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get code(): string | undefined {
    return this.details.code;
  }

  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'network' || this.kind === 'unknown-outcome';
  }
}

/** The message of anything thrown. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
