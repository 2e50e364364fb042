/**
 * @module kit/snapshot-fetch
 * The REST snapshot a diff-fed book resynchronises from (Binance depth, OKX books): one request at a time per book,
 * a delayed request when the venue's snapshot lagged its stream, and exponential back-off after failures (the
 * owner keeps the feed DOWN meanwhile). `stop` cancels a pending retry, and an answer arriving after it is dropped,
 * so a book unsubscribed mid-request is never fed a stale snapshot.
 */
import { backoffDelay, type Backoff } from './managed-socket.ts';

export interface SnapshotFetchOptions<S> {
  load(): Promise<S>;
  /** A snapshot arrived; a throw counts as a failed fetch. */
  onSnapshot(snapshot: S): void;
  /** The fetch failed; the next attempt follows in `retryInMs`. */
  onFailure(err: unknown, retryInMs: number): void;
  /** Delay after the n-th failure in a row: min·2^n, capped at max. */
  backoff: Backoff;
}

export class SnapshotFetch<S> {
  private fetching = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: SnapshotFetchOptions<S>) {}

  /** Fetches now, or after `delayMs`; ignored while a fetch or a retry is already on its way. */
  request(delayMs = 0): void {
    if (this.fetching || this.retryTimer || this.stopped) return;
    if (delayMs > 0) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.request();
      }, delayMs);
      return;
    }
    this.fetching = true;
    this.options
      .load()
      .then((snapshot) => {
        this.fetching = false;
        if (!this.stopped) this.options.onSnapshot(snapshot);
      })
      .catch((err: unknown) => {
        this.fetching = false;
        if (this.stopped) return;
        const delay = backoffDelay(++this.failures, this.options.backoff);
        this.options.onFailure(err, delay);
        this.request(delay);
      });
  }

  /** The book synchronised: the next failure starts the back-off from the beginning. */
  succeeded(): void {
    this.failures = 0;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
