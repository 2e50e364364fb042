/**
 * @module okx/book-sync
 * OKX's order-book integrity rules for the `books` channel (400 levels, 100 ms), as a pure state machine: it takes
 * channel messages and REST snapshots in the order they arrive and answers what happened; the caller does the I/O.
 *
 *   1. Updates are buffered from the subscription on; a REST snapshot is fetched (`GET /api/v5/market/books`,
 *      which carries the `seqId` the snapshot reflects) — as soon as OKX acknowledges the subscription, so a quiet
 *      book is shown too, or at the first update.
 *   2. Buffered updates with `seqId` ≤ the snapshot's are dropped. The first one kept must straddle the snapshot:
 *      `prevSeqId` ≤ snapshot `seqId` < `seqId` — if its `prevSeqId` is past the snapshot, updates are missing
 *      between them: the snapshot is too old, fetch again.
 *   3. From then on every message must chain: `prevSeqId` = the `seqId` applied last. A message whose `seqId` is
 *      not past ours is a duplicate (ignored); anything else is a break — discard the book and go back to 1.
 *      `seqId` = `prevSeqId` with no levels is OKX's "no change" message.
 *   4. A message with `action: "snapshot"` (`prevSeqId` -1) replaces the book whole — the channel's own initial
 *      snapshot where OKX still sends one — and the chain restarts from its `seqId`.
 *   5. Where a message carries a non-zero `checksum`, it must equal the CRC-32 (signed) of the top 25 levels after
 *      applying it: `bidPx:bidSz:askPx:askSz:…` interleaved, as OKX spells the numbers. A mismatch discards the book
 *      and resynchronises (1). OKX has stopped sending checksums on `books` (zero); then nothing is checked.
 */
import { LocalBook } from '../kit/price-levels.ts';
import { crc32Signed } from '../kit/crc32.ts';

type Levels = ReadonlyArray<readonly [string, string]>;

export interface OkxBookMessage {
  action: 'snapshot' | 'update';
  seqId: number;
  prevSeqId: number;
  /** 0 when OKX sends none. */
  checksum: number;
  ts: number;
  bids: Levels;
  asks: Levels;
}

export interface OkxBookSnapshot {
  seqId: number;
  ts: number;
  bids: Levels;
  asks: Levels;
}

export type OkxBookResult =
  | { type: 'request-snapshot' }
  | { type: 'buffered' }
  | { type: 'ignored' }
  | { type: 'applied' }
  | { type: 'synced'; appliedEvents: number }
  | { type: 'snapshot-too-old'; snapshotSeqId: number; firstPrevSeqId: number }
  | { type: 'gap'; expectedPrevSeqId: number; receivedPrevSeqId: number }
  | { type: 'checksum-mismatch'; expected: number; computed: number };

/** CRC-32 of the top 25 levels, interleaved bid/ask, in the venue's spelling (step 5). */
export function okxChecksum(book: LocalBook): number {
  const bids = book.topWire('bid', 25);
  const asks = book.topWire('ask', 25);
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(`${b[0]}:${b[1]}`);
    if (a) parts.push(`${a[0]}:${a[1]}`);
  }
  return crc32Signed(parts.join(':'));
}

export class OkxBookSync {
  readonly book = new LocalBook();
  private phase: 'idle' | 'buffering' | 'synced' = 'idle';
  private buffer: OkxBookMessage[] = [];
  private seq = 0;
  private updatedAt = 0;
  /** The book came from a REST snapshot with nothing buffered: the next update may straddle it (rule 2). */
  private straddle = false;

  constructor(private readonly maxBuffered = 5000) {}

  get isSynced(): boolean {
    return this.phase === 'synced';
  }

  get seqId(): number {
    return this.seq;
  }

  get updatedTime(): number {
    return this.updatedAt;
  }

  /** The subscription is live: start buffering and ask for a snapshot (no-op once under way). */
  begin(): OkxBookResult {
    if (this.phase !== 'idle') return { type: 'ignored' };
    this.restartWith([]);
    return { type: 'request-snapshot' };
  }

  reset(): void {
    this.phase = 'idle';
    this.buffer = [];
    this.seq = 0;
    this.book.clear();
  }

  handleMessage(msg: OkxBookMessage): OkxBookResult {
    if (msg.action === 'snapshot') {
      this.book.reset(msg.bids, msg.asks);
      this.seq = msg.seqId;
      this.updatedAt = msg.ts;
      this.buffer = [];
      this.phase = 'synced';
      return this.verify(msg) ?? { type: 'synced', appliedEvents: 0 };
    }
    switch (this.phase) {
      case 'idle':
        this.restartWith([msg]);
        return { type: 'request-snapshot' };
      case 'buffering':
        if (this.buffer.length >= this.maxBuffered) {
          this.restartWith([msg]);
          return { type: 'request-snapshot' };
        }
        this.buffer.push(msg);
        return { type: 'buffered' };
      case 'synced': {
        const straddles = this.straddle && msg.prevSeqId <= this.seq && this.seq < msg.seqId;
        this.straddle = false;
        if (msg.prevSeqId !== this.seq && !straddles) {
          if (msg.seqId <= this.seq && msg.prevSeqId < this.seq) return { type: 'ignored' };
          const expected = this.seq;
          this.restartWith([msg]);
          return { type: 'gap', expectedPrevSeqId: expected, receivedPrevSeqId: msg.prevSeqId };
        }
        this.apply(msg);
        return this.verify(msg) ?? { type: 'applied' };
      }
    }
  }

  handleSnapshot(snapshot: OkxBookSnapshot): OkxBookResult {
    if (this.phase !== 'buffering') return { type: 'ignored' };
    const pending = this.buffer.filter((m) => m.seqId > snapshot.seqId);
    const first = pending[0];
    if (first && first.prevSeqId > snapshot.seqId) return { type: 'snapshot-too-old', snapshotSeqId: snapshot.seqId, firstPrevSeqId: first.prevSeqId };
    this.book.reset(snapshot.bids, snapshot.asks);
    this.seq = snapshot.seqId;
    this.updatedAt = snapshot.ts;
    this.buffer = [];
    this.phase = 'synced';
    this.straddle = pending.length === 0;
    let applied = 0;
    for (let i = 0; i < pending.length; i++) {
      const msg = pending[i]!;
      // The first kept update straddles the snapshot (prevSeqId ≤ snapshot seqId); the rest chain exactly.
      if (i > 0 && msg.prevSeqId !== this.seq) {
        const expected = this.seq;
        this.restartWith(pending.slice(i));
        return { type: 'gap', expectedPrevSeqId: expected, receivedPrevSeqId: msg.prevSeqId };
      }
      this.apply(msg);
      const bad = this.verify(msg);
      if (bad) return bad;
      applied++;
    }
    return { type: 'synced', appliedEvents: applied };
  }

  private verify(msg: OkxBookMessage): OkxBookResult | undefined {
    if (msg.checksum === 0) return undefined;
    const computed = okxChecksum(this.book);
    if (computed === msg.checksum) return undefined;
    this.restartWith([]);
    return { type: 'checksum-mismatch', expected: msg.checksum, computed };
  }

  private restartWith(messages: OkxBookMessage[]): void {
    this.straddle = false;
    this.phase = 'buffering';
    this.buffer = messages;
    this.seq = 0;
    this.book.clear();
  }

  private apply(msg: OkxBookMessage): void {
    for (const [p, q] of msg.bids) this.book.set('bid', p, q);
    for (const [p, q] of msg.asks) this.book.set('ask', p, q);
    this.seq = msg.seqId;
    this.updatedAt = msg.ts;
  }
}
