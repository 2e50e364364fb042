/**
 * @module ports/clock
 * Time, injected: the domain never calls Date.now().
 */
export interface Clock {
  /** Epoch milliseconds; never goes backwards within one process. */
  now(): number;
}
