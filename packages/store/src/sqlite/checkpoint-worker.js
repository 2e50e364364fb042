// @ts-check
/**
 * @module sqlite/checkpoint-worker
 * The WAL checkpointer's thread: wal-checkpointer.ts starts it and states what it promises. Plain JavaScript because a
 * worker runs without the tsx loader the server runs under (inheriting the loader cost ~100 ms of CPU per store, and
 * it did not load a .ts entry): this file is run by Node as it is, and needs only better-sqlite3.
 *
 * It talks to the committing thread through a shared Int32Array (the slots below, the same in wal-checkpointer.ts)
 * and posts a message only for what the main thread must hear: an error, a warning, a pass a test waits for.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

// Slots of the shared state (wal-checkpointer.ts).
const COMMITS = 0; // main: +1 per COMMIT
const STOP = 1; // main: 1 = close the connection and end
const SLEEPING = 2; // worker: 1 while it waits for a commit without a timeout (main then wakes it)
const REWIND = 3; // worker: 1 = the WAL is long, the main thread may rewind it after its next COMMIT
const FRAMES = 4; // worker: the WAL's length in frames at its last look
const PASSES = 5; // worker: checkpoints that copied frames
const NOTIFY_AT = 6; // main: post a message once PASSES reaches this (0: never)
const IN_PASS = 7; // worker: 1 while a checkpoint runs

/** @type {{ path: string; state: SharedArrayBuffer; synchronous: string; checkpointFrames: number; rewindFrames: number; capFrames: number; pollMs: number; idleMs: number }} */
const config = workerData;
const state = new Int32Array(config.state);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

/**
 * The WAL-index header (https://www.sqlite.org/walformat.html, "the WAL-index header"): `mxFrame`, the WAL's last
 * valid frame, at byte 16, and `nBackfill`, the frames already copied into the database, at byte 96, both 32-bit in
 * the machine's byte order. Read without a lock: a torn read only moves a trigger, it decides nothing durable.
 */
const shm = openSync(`${config.path}-shm`, 'r');
const header = Buffer.alloc(100);
const little = endianness() === 'LE';
function walFrames() {
  if (readSync(shm, header, 0, 100, 0) < 100) return { frames: 0, backfilled: 0 };
  return little
    ? { frames: header.readUInt32LE(16), backfilled: header.readUInt32LE(96) }
    : { frames: header.readUInt32BE(16), backfilled: header.readUInt32BE(96) };
}

const db = new Database(config.path, { fileMustExist: true });
// Never wait for a lock: a busy database means the main thread is working; the next look tries again.
db.pragma('busy_timeout = 0');
// A checkpoint syncs as its connection's setting says: the same as the committing connection's, never less.
db.pragma(`synchronous = ${config.synchronous}`);
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');

/** @returns {{ busy: number; log: number; checkpointed: number }} */
function checkpoint(/** @type {import('better-sqlite3').Statement} */ stmt) {
  Atomics.store(state, IN_PASS, 1);
  let r;
  try {
    r = /** @type {{ busy: number; log: number; checkpointed: number }} */ (stmt.get());
  } finally {
    Atomics.store(state, IN_PASS, 0);
  }
  // A pass: frames copied, or the WAL truncated.
  if (r.checkpointed > 0 || (stmt === truncate && r.busy === 0)) {
    const passes = Atomics.add(state, PASSES, 1) + 1;
    const at = Atomics.load(state, NOTIFY_AT);
    if (at > 0 && passes >= at) port.postMessage({ passes });
  }
  return r;
}

let seen = Atomics.load(state, COMMITS);
let lastCommitAt = performance.now();
let warned = false;
try {
  while (Atomics.load(state, STOP) === 0) {
    const commits = Atomics.load(state, COMMITS);
    const { frames, backfilled } = walFrames();
    Atomics.store(state, FRAMES, frames);
    if (commits !== seen) {
      seen = commits;
      lastCommitAt = performance.now();
      if (frames - backfilled >= config.checkpointFrames) {
        const r = checkpoint(passive);
        // The WAL is rewound by the next transaction that begins once every frame is copied; under load that moment
        // never comes by itself, so past the bound the main thread copies the last frames after a COMMIT.
        if (r.log >= config.rewindFrames) Atomics.store(state, REWIND, 1);
        if (r.log < config.capFrames) warned = false;
        else if (!warned) {
          warned = true;
          port.postMessage({ warn: { frames: r.log, checkpointed: r.checkpointed } });
        }
      }
    } else if (frames > 0 && performance.now() - lastCommitAt >= config.idleMs) {
      // Quiet: copy what is left, then truncate the WAL — only when nothing came since, so that TRUNCATE, which holds
      // the write lock throughout, has nothing to copy and holds it for the truncation alone.
      if (frames > backfilled) checkpoint(passive);
      const now = walFrames();
      if (Atomics.load(state, COMMITS) === seen && now.frames === now.backfilled) checkpoint(truncate);
      // Busy (a reader, or the main thread writing), or not all copied: the next quiet spell tries again.
      lastCommitAt = performance.now();
    } else if (frames === 0) {
      // An empty WAL: sleep until a commit (the main thread wakes a sleeping worker), or a quiet spell's length at most
      // (a write made outside the store's transactions counts no commit).
      Atomics.store(state, SLEEPING, 1);
      Atomics.wait(state, COMMITS, seen, config.idleMs);
      Atomics.store(state, SLEEPING, 0);
      continue;
    }
    Atomics.wait(state, STOP, 0, config.pollMs);
  }
} catch (err) {
  port.postMessage({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  process.exitCode = 1;
} finally {
  closeSync(shm);
  db.close();
}
