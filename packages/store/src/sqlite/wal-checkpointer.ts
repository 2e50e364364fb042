/**
 * @module sqlite/wal-checkpointer
 * WAL checkpoints off the event loop. SQLite's own autocheckpoint runs on the connection that commits: every ~1,000
 * WAL pages a COMMIT copies them into the database file and fsyncs both files, one stall of 8–19 ms for every order in
 * flight on a loaded machine. Here a worker thread (checkpoint-worker.js) with its own connection to the same file
 * does that copying, and the committing connection runs with `wal_autocheckpoint = 0`.
 *
 * What it promises:
 * - **Durability exactly as before.** A checkpoint only copies committed frames into the database file and syncs as
 *   the committing connection's `synchronous` says (the worker uses the same setting); a commit is durable when its
 *   COMMIT returns, whoever checkpoints later. A crash at any moment of a checkpoint leaves the WAL to replay.
 * - **The main thread's share.** Per COMMIT, `committed()`: a few atomic operations on shared memory (no message, no
 *   system call; a futex wake only when the worker sleeps after a quiet spell). The worker looks every `pollMs` at
 *   the WAL-index header (one 100-byte read) and copies once `checkpointFrames` frames wait.
 * - **A bounded WAL.** SQLite rewinds the WAL (writes from its start again) only in a transaction that begins after
 *   every frame was copied; under constant load the worker never catches up with the writer, so once the WAL is
 *   `rewindFrames` long the main thread runs one PASSIVE checkpoint itself right after a COMMIT (what the worker's
 *   last pass left: its two fsyncs), and the next transaction rewinds. That is one short stall per `rewindFrames`
 *   (64 MB by default) instead of a long one per 1,000 pages. Past `capFrames` the main thread does so after every
 *   COMMIT until it succeeds (back-pressure); only a reader holding an old snapshot (another process's long read,
 *   an online backup) can keep the WAL growing past that, as it would without the worker — logged once.
 * - **Quiet spells.** After `idleMs` without a commit the worker copies what is left and truncates the WAL file to
 *   zero bytes (TRUNCATE holds the write lock only for the truncation; a write arriving then waits that long).
 * - **Never in the way.** The worker does not keep the process alive (unref'd), never waits for a lock (busy_timeout
 *   0: a busy database is tried again at the next look), and its failure does not stop the store: an error is
 *   logged and the committing connection goes back to SQLite's autocheckpoint (1,000 pages), as before.
 * - **Close.** `close()` stops the worker (it finishes a checkpoint it is in), and the store then checkpoints and
 *   truncates the WAL on its own connection before closing it.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '@cadenza/domain';

/** Slots of the shared state; checkpoint-worker.js reads the same ones. */
const COMMITS = 0;
const STOP = 1;
const SLEEPING = 2;
const REWIND = 3;
const FRAMES = 4;
const PASSES = 5;
const NOTIFY_AT = 6;
const IN_PASS = 7;
const SLOTS = 8;

export interface WalCheckpointOptions {
  /** WAL frames (pages) that wait before the worker copies them: SQLite's autocheckpoint threshold. Default 1,000. */
  checkpointFrames?: number;
  /** WAL length in frames past which the main thread rewinds it after a COMMIT. Default 16,384 (64 MB of 4 KiB pages). */
  rewindFrames?: number;
  /** WAL length past which the main thread checkpoints after every COMMIT until it rewinds. Default 4 × rewindFrames. */
  capFrames?: number;
  /** How often the worker looks at the WAL while commits come. Default 5 ms. */
  pollMs?: number;
  /** Quiet time after which the worker copies what is left and truncates the WAL. Default 1,000 ms. */
  idleMs?: number;
}

/** What the checkpointer did, for tests and benches. */
export interface WalCheckpointStats {
  /** The worker's checkpoints that copied frames or truncated the WAL. */
  passes: number;
  /** The worker is in a checkpoint right now. */
  inPass: boolean;
  /** Checkpoints the main thread ran that copied every frame, so that the next transaction rewound the WAL. */
  rewinds: number;
  /** The WAL's length in frames at the worker's last look. */
  frames: number;
  /** The worker runs (false: not started, failed, or closed — SQLite's autocheckpoint is on again unless closed). */
  running: boolean;
}

export class WalCheckpointer {
  private readonly state = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  private readonly worker: Worker;
  private readonly checkpoint: Database.Statement;
  private readonly rewindFrames: number;
  private readonly capFrames: number;
  private running = true;
  private closing = false;
  private rewinds = 0;
  private readonly exited: Promise<void>;
  private passWaiters: Array<{ passes: number; resolve: () => void; reject: (err: Error) => void }> = [];

  constructor(
    private readonly db: Database.Database,
    path: string,
    synchronous: 'NORMAL' | 'FULL',
    private readonly log: Logger,
    options: WalCheckpointOptions = {},
  ) {
    const checkpointFrames = options.checkpointFrames ?? 1000;
    this.rewindFrames = options.rewindFrames ?? 16_384;
    this.capFrames = options.capFrames ?? 4 * this.rewindFrames;
    this.checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
      // Plain JavaScript, without the parent's loader (checkpoint-worker.js says why).
      execArgv: [],
      workerData: {
        path,
        state: this.state.buffer,
        synchronous,
        checkpointFrames,
        rewindFrames: this.rewindFrames,
        capFrames: this.capFrames,
        pollMs: options.pollMs ?? 5,
        idleMs: options.idleMs ?? 1000,
      },
    });
    this.worker.on('message', (m: { error?: string; warn?: { frames: number; checkpointed: number }; passes?: number }) => {
      if (m.error) this.log.error({ database: path, err: m.error }, 'SQLite WAL checkpointer failed: checkpoints are back on the committing connection');
      if (m.warn) this.log.warn({ database: path, ...m.warn }, 'SQLite WAL past its cap: a reader holds an old snapshot, so the WAL cannot be rewound');
      if (m.passes !== undefined) this.wakePassWaiters();
    });
    this.worker.on('error', (err) => this.log.error({ database: path, err }, 'SQLite WAL checkpointer failed: checkpoints are back on the committing connection'));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        this.running = false;
        // Unplanned: SQLite checkpoints on the committing connection again, as it did before this module.
        if (!this.closing && this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
        for (const w of this.passWaiters.splice(0)) w.reject(new Error('the WAL checkpointer stopped'));
        resolve();
      });
    });
    // After the listeners: adding a 'message' listener refs the worker's port again.
    this.worker.unref();
  }

  /** Call after every COMMIT of the main connection, outside a transaction (the rewind runs a checkpoint). */
  committed(): void {
    const s = this.state;
    Atomics.add(s, COMMITS, 1);
    if (Atomics.load(s, SLEEPING) === 1) Atomics.notify(s, COMMITS);
    if (Atomics.load(s, REWIND) === 1 || Atomics.load(s, FRAMES) >= this.capFrames) this.rewind();
  }

  /**
   * Copies what the worker's last pass left, on this connection: with every frame copied, the next transaction
   * starts the WAL from its beginning. Busy (the worker is in a pass) or held back by a reader: the worker asks again.
   */
  private rewind(): void {
    if (!this.running || this.db.inTransaction) return;
    Atomics.store(this.state, REWIND, 0);
    const r = this.checkpoint.get() as { busy: number; log: number; checkpointed: number };
    if (r.busy !== 0 || r.log !== r.checkpointed) return;
    // All copied: the next transaction starts the WAL over, so the worker's last look (FRAMES) is stale until its next.
    this.rewinds++;
    Atomics.store(this.state, FRAMES, 0);
  }

  stats(): WalCheckpointStats {
    const s = this.state;
    return { passes: Atomics.load(s, PASSES), inPass: Atomics.load(s, IN_PASS) === 1, rewinds: this.rewinds, frames: Atomics.load(s, FRAMES), running: this.running };
  }

  /** Resolves when the worker's thread has ended (closed, or failed: then SQLite's autocheckpoint is back on). */
  whenStopped(): Promise<void> {
    // Held while waited for: the thread is unref'd, and a failing one may be all the event loop has.
    this.worker.ref();
    return this.exited;
  }

  /** Resolves once the worker has made `passes` passes (tests wait on it instead of sleeping). */
  whenPasses(passes: number): Promise<void> {
    if (Atomics.load(this.state, PASSES) >= passes) return Promise.resolve();
    if (!this.running) return Promise.reject(new Error('the WAL checkpointer stopped'));
    return new Promise((resolve, reject) => {
      this.passWaiters.push({ passes, resolve, reject });
      this.worker.ref();
      this.armNotify();
    });
  }

  private armNotify(): void {
    const next = Math.min(...this.passWaiters.map((w) => w.passes));
    Atomics.store(this.state, NOTIFY_AT, this.passWaiters.length ? next : 0);
    // The pass may have happened between the check and the store: look once more.
    if (this.passWaiters.length && Atomics.load(this.state, PASSES) >= next) this.wakePassWaiters();
  }

  private wakePassWaiters(): void {
    const passes = Atomics.load(this.state, PASSES);
    const ready = this.passWaiters.filter((w) => w.passes <= passes);
    if (ready.length === 0) return;
    this.passWaiters = this.passWaiters.filter((w) => w.passes > passes);
    if (this.passWaiters.length === 0) {
      Atomics.store(this.state, NOTIFY_AT, 0);
      if (!this.closing) this.worker.unref();
    } else this.armNotify();
    for (const w of ready) w.resolve();
  }

  /** Stops the worker; resolves once its thread has closed its connection. The caller checkpoints last. */
  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    // Held until the thread is gone, so that a close awaited at the end of a process still completes.
    this.worker.ref();
    Atomics.store(this.state, STOP, 1);
    Atomics.notify(this.state, STOP);
    Atomics.notify(this.state, COMMITS);
    await this.exited;
  }
}
