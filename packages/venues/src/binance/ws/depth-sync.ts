/**
 * @module binance/ws/depth-sync
 * Binance's documented local order book procedure ("How to manage a local order book correctly", spot
 * WebSocket Streams), as a pure state machine: it takes diff events and REST snapshots in the order they
 * arrive and answers what happened; the caller does the I/O (fetching snapshots, reporting gaps).
 *
 *   1. Buffer diff events; note `U` of the first one; fetch a snapshot (`/api/v3/depth?limit=5000`).
 *   2. Snapshot `lastUpdateId` < that first `U` → the snapshot is too old: fetch again.
 *   3. Drop buffered events with `u` ≤ `lastUpdateId`; the book is the snapshot, its update id `lastUpdateId`.
 *   4. Apply the remaining buffered events, then every live one:
 *        - `u` ≤ book id → old or duplicate: ignore;
 *        - `U` > book id + 1 → a gap: discard the book and restart at step 1 with this event;
 *        - otherwise set each level's absolute quantity (0 removes), book id ← `u`.
 *
 * A book that does not move sends no event, so step 1 would wait for ever on a quiet symbol. Once the stream is known
 * to run (`streamLive`: Binance answered the SUBSCRIBE, or the socket naming it opened) the snapshot is fetched at
 * once; if it arrives before any event it is the book, and the first event must continue it (`U` ≤ id + 1, else a
 * gap as above), which holds whichever came first. Events arriving meanwhile are buffered as in step 1.
 *
 * The two update rules are those of the docs as corrected in binance/binance-spot-api-docs PR #383
 * (`u` ≤ id → ignore; `U` > id + 1 → restart); the earlier wording ("u < id", "U > id") would have flagged
 * every contiguous event. Out-of-order delivery therefore shows up as a gap followed by a resync, which is
 * what the docs prescribe.
 */
import { LocalBook } from '../../kit/price-levels.ts';

/** One diff-depth event. */
export interface DepthDiff {
  /** `U`: first update id in the event. */
  firstUpdateId: number;
  /** `u`: final update id in the event. */
  finalUpdateId: number;
  /** `E`: event time, epoch ms. */
  eventTime: number;
  bids: ReadonlyArray<readonly [string, string]>;
  asks: ReadonlyArray<readonly [string, string]>;
}

/** A REST depth snapshot. */
export interface DepthSnapshotData {
  lastUpdateId: number;
  bids: ReadonlyArray<readonly [string, string]>;
  asks: ReadonlyArray<readonly [string, string]>;
}

export type DepthSyncPhase =
  /** Nothing received since the start or a reset. */
  | 'idle'
  /** Events are buffered while a snapshot is awaited. */
  | 'buffering'
  /** The book is live. */
  | 'synced';

/** What one input did; the caller reacts to `request-snapshot`, `snapshot-too-old` and `gap` by fetching a snapshot. */
export type DepthSyncResult =
  | { type: 'request-snapshot'; reason: 'first-event' | 'buffer-overflow' | 'stream-live' }
  | { type: 'buffered' }
  | { type: 'ignored'; reason: 'stale-event' | 'unexpected-snapshot' | 'already-started' }
  | { type: 'applied' }
  | { type: 'synced'; appliedEvents: number }
  | { type: 'snapshot-too-old'; lastUpdateId: number; firstBufferedId: number }
  | { type: 'gap'; expectedFirstId: number; receivedFirstId: number };

export interface DepthSyncOptions {
  /** Events kept while a snapshot is awaited; past it the buffer restarts. */
  maxBufferedEvents?: number;
}

/** The synchroniser and its book, for one symbol. */
export class DepthSync {
  readonly book = new LocalBook();
  private phase: DepthSyncPhase = 'idle';
  private buffer: DepthDiff[] = [];
  private bookId = 0;
  private updatedAt = 0;
  private readonly maxBuffered: number;

  constructor(options: DepthSyncOptions = {}) {
    this.maxBuffered = options.maxBufferedEvents ?? 10_000;
  }

  get state(): DepthSyncPhase {
    return this.phase;
  }

  get isSynced(): boolean {
    return this.phase === 'synced';
  }

  /** The update id the book reflects (meaningful while synced). */
  get lastUpdateId(): number {
    return this.bookId;
  }

  /** Event time of the last change applied (the snapshot counts as the first event's time). */
  get updatedTime(): number {
    return this.updatedAt;
  }

  /** Forget everything (socket reconnect, unsubscribe). */
  reset(): void {
    this.phase = 'idle';
    this.buffer = [];
    this.bookId = 0;
    this.book.clear();
  }

  /**
   * The stream runs (its subscription confirmed) at `now`: with nothing received yet, a snapshot is wanted now rather
   * than after the first event (see the module notes). Anything else: ignored.
   */
  streamLive(now: number): DepthSyncResult {
    if (this.phase !== 'idle') return { type: 'ignored', reason: 'already-started' };
    this.restartWith([]);
    this.updatedAt = now;
    return { type: 'request-snapshot', reason: 'stream-live' };
  }

  handleEvent(event: DepthDiff): DepthSyncResult {
    switch (this.phase) {
      case 'idle':
        this.restartWith([event]);
        return { type: 'request-snapshot', reason: 'first-event' };
      case 'buffering':
        if (this.buffer.length >= this.maxBuffered) {
          this.restartWith([event]);
          return { type: 'request-snapshot', reason: 'buffer-overflow' };
        }
        this.buffer.push(event);
        return { type: 'buffered' };
      case 'synced': {
        if (event.finalUpdateId <= this.bookId) return { type: 'ignored', reason: 'stale-event' };
        if (event.firstUpdateId > this.bookId + 1) {
          const expectedFirstId = this.bookId + 1;
          this.restartWith([event]);
          return { type: 'gap', expectedFirstId, receivedFirstId: event.firstUpdateId };
        }
        this.apply(event);
        return { type: 'applied' };
      }
    }
  }

  handleSnapshot(snapshot: DepthSnapshotData): DepthSyncResult {
    if (this.phase !== 'buffering') return { type: 'ignored', reason: 'unexpected-snapshot' };
    const firstBufferedId = this.buffer[0]?.firstUpdateId ?? 0;
    if (snapshot.lastUpdateId < firstBufferedId) {
      return { type: 'snapshot-too-old', lastUpdateId: snapshot.lastUpdateId, firstBufferedId };
    }
    const pending = this.buffer.filter((e) => e.finalUpdateId > snapshot.lastUpdateId);
    this.book.reset(snapshot.bids, snapshot.asks);
    this.bookId = snapshot.lastUpdateId;
    this.updatedAt = this.buffer[0]?.eventTime ?? this.updatedAt;
    this.buffer = [];
    this.phase = 'synced';
    let applied = 0;
    for (let i = 0; i < pending.length; i++) {
      const event = pending[i]!;
      if (event.finalUpdateId <= this.bookId) continue;
      if (event.firstUpdateId > this.bookId + 1) {
        const expectedFirstId = this.bookId + 1;
        this.restartWith(pending.slice(i));
        return { type: 'gap', expectedFirstId, receivedFirstId: event.firstUpdateId };
      }
      this.apply(event);
      applied++;
    }
    return { type: 'synced', appliedEvents: applied };
  }

  private restartWith(events: DepthDiff[]): void {
    this.phase = 'buffering';
    this.buffer = events;
    this.bookId = 0;
    this.book.clear();
  }

  private apply(event: DepthDiff): void {
    for (const [p, q] of event.bids) this.book.set('bid', p, q);
    for (const [p, q] of event.asks) this.book.set('ask', p, q);
    this.bookId = event.finalUpdateId;
    this.updatedAt = event.eventTime;
  }
}
