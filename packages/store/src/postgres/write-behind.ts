/**
 * @module postgres/write-behind
 * The committer behind the PostgreSQL store's synchronous writes: units (one per outermost `transaction`, already
 * rendered as SQL text) queue in batches; one batch at a time goes to PostgreSQL as a single simple-protocol query
 * `BEGIN; <claim>; <units…>; COMMIT` on the writer's own connection — one round trip, whatever its size. Whatever
 * queues while a batch commits forms the next one, so the batch grows with the load (group commit).
 *
 * A batch also carries the balances its units changed, latest state per account and asset (write-units.ts), written
 * after its units, in the same transaction.
 *
 * Promises:
 * - **Durable before acknowledged.** `afterCommit` callbacks run, in order, only after the COMMIT of every unit
 *   queued before them; `settled()` (what reads wait on) resolves at the same point, so a read sees every write
 *   made before it.
 * - **A broken connection loses nothing and doubles nothing.** The batch stays at the head and is retried with
 *   backoff (50 ms doubling to 2 s) until PostgreSQL answers; callbacks wait, reads fail fast with STORE_UNAVAILABLE.
 *   A batch's first statement, `cadenza_claim_batch(writer, n)`, records it in `cadenza_store_writers` in the same
 *   transaction and raises CZ001 when batch n already committed — so a COMMIT whose answer was lost is found out
 *   on the retry instead of being written twice.
 * - **A unit PostgreSQL refuses is undone alone** (the batch is retried unit by unit in savepoints, the rest
 *   commits), but the domain already applied it in memory: memory and database disagree, so the committer stops
 *   (every later write throws, no later callback runs) and reports it to `onFatal` — the process must restart
 *   and reload. A unique key taken by another server in the meantime ends here.
 * - Memory is bounded: more than `maxHeldUnits` units waiting for an unreachable database is fatal as well.
 * - **Fenced** (`fence`): with several servers on one database, only the holder of the domain lease writes, and
 *   every batch first passes `cadenza_check_lease(lease, epoch)`; a batch of a holder whose lease moved on is refused
 *   whole (CZ002) and the committer stops: that server must restart and follow the new holder (domain-lease.ts).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Balance, Logger } from '@cadenza/domain';
import { isTransient, storeUnavailable, type Availability } from './connection.ts';
import { sql } from './sql-text.ts';
import { upsertBalanceSql } from './statements.ts';
import { dropCleared } from './held-balances.ts';

export interface WriteBehindOptions {
  client: pg.ClientConfig;
  availability: Availability;
  log: Logger;
  /** Memory and database disagree (see the module note). Default: throw it on the event loop (the process exits). */
  onFatal?: (err: Error) => void;
  /** Default 100,000. */
  maxHeldUnits?: number;
  /** Units per batch. Default 2,000. */
  maxBatchUnits?: number;
  /** The lease this writer holds and its epoch: every batch checks it first. */
  fence?: { lease: string; epoch: number };
}

class Batch {
  units: string[] = [];
  /** Units queued in it (one that only changed balances has no text in `units`). */
  unitCount = 0;
  bytes = 0;
  /** Balances changed by the units, latest state: written once each, after the units. */
  readonly balances = new Map<string, Balance>();
  readonly callbacks: Array<() => void> = [];
  constructor(readonly seq: number) {}

  /** The units, and the held balances' upserts as the last one. */
  statements(): string[] {
    if (this.balances.size === 0) return this.units;
    let upserts = '';
    for (const b of this.balances.values()) upserts += upsertBalanceSql(b);
    return [...this.units, upserts];
  }
}

interface Waiter {
  seq: number;
  resolve(): void;
  reject(err: unknown): void;
}

/** Raised by `cadenza_claim_batch` when the batch already committed. */
const ALREADY_COMMITTED = 'CZ001';
/** Raised by `cadenza_check_lease` when another server holds the lease now. */
const FENCED = 'CZ002';
const MAX_BATCH_BYTES = 8 << 20;

export class WriteBehind {
  readonly writerId = randomUUID();
  private readonly pending: Batch[] = [];
  private inflight: Batch | undefined;
  private seq = 0;
  private held = 0;
  private waiters: Waiter[] = [];
  private running: Promise<void> | undefined;
  private scheduled = false;
  private client: pg.Client | undefined;
  private fatal: Error | undefined;
  private closing = false;
  private readonly maxHeld: number;
  private readonly maxBatch: number;
  private readonly onFatal: (err: Error) => void;

  constructor(private readonly options: WriteBehindOptions) {
    this.maxHeld = options.maxHeldUnits ?? 100_000;
    this.maxBatch = options.maxBatchUnits ?? 2_000;
    this.onFatal = options.onFatal ?? ((err) => setImmediate(() => { throw err; }));
    options.availability.onChange((up) => {
      if (!up) this.rejectWaiters(storeUnavailable());
    });
  }

  /** Units queued or committing. */
  get backlog(): number {
    return this.held;
  }

  /**
   * Queues one unit (statements ending in `;`, or '' when it only changed balances) with the balances it changed and
   * the accounts whose balances it deleted first (`cleared`). Throws once the committer has stopped.
   */
  enqueue(unit: string, balances?: ReadonlyMap<string, Balance>, cleared?: ReadonlySet<string>): void {
    if (this.fatal) throw storeUnavailable(this.fatal);
    if (this.held >= this.maxHeld) {
      this.stop(new Error(`PostgreSQL has not answered while ${this.held} writes wait for it; stopping rather than holding more in memory`));
      throw storeUnavailable(this.fatal);
    }
    let b = this.pending[this.pending.length - 1];
    if (!b || b.unitCount >= this.maxBatch || b.bytes >= MAX_BATCH_BYTES) this.pending.push((b = new Batch(++this.seq)));
    if (unit) b.units.push(unit);
    b.unitCount++;
    b.bytes += unit.length;
    if (cleared) dropCleared(b.balances, cleared);
    if (balances) for (const [k, v] of balances) b.balances.set(k, v);
    this.held++;
    this.schedule();
  }

  /** Runs `cb` once everything queued so far is committed; at once when nothing is. */
  afterCommit(cb: () => void): void {
    const b = this.pending[this.pending.length - 1] ?? this.inflight;
    if (b) b.callbacks.push(cb);
    else if (!this.fatal) cb();
  }

  /** Resolves once everything queued so far is committed; rejects with STORE_UNAVAILABLE while the database is down. */
  settled(): Promise<void> {
    if (this.fatal) return Promise.reject(storeUnavailable(this.fatal));
    const b = this.pending[this.pending.length - 1] ?? this.inflight;
    if (!b) return Promise.resolve();
    if (!this.options.availability.up) return Promise.reject(storeUnavailable());
    return new Promise<void>((resolve, reject) => this.waiters.push({ seq: b.seq, resolve, reject }));
  }

  /** Starts committing now (instead of at the end of the turn); resolves once everything queued so far is committed. */
  flush(): Promise<void> {
    const done = new Promise<void>((resolve) => this.afterCommit(resolve));
    void this.run();
    return done;
  }

  /** Commits what is queued (waiting at most `timeoutMs` for an unreachable database), then closes the connection. */
  async close(timeoutMs = 10_000): Promise<void> {
    this.closing = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const drained = (async () => {
      while (this.pending.length || this.running) await (this.running ?? this.run());
      return false;
    })();
    const timedOut = await Promise.race([drained, gaveUp]);
    clearTimeout(timer);
    if (timedOut) {
      this.options.log.error({ unacknowledged: this.held }, 'closing the PostgreSQL store with writes never committed (none of them was acknowledged)');
      this.stop(new Error('store closed'), false);
    }
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private run(): Promise<void> {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
      if (this.pending.length && !this.fatal) this.schedule();
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.pending.length && !this.fatal) {
      const batch = this.pending.shift()!;
      this.inflight = batch;
      let refused: Array<{ unit: number; err: unknown }>;
      try {
        refused = await this.commit(batch);
      } catch (err) {
        const fenced = (err as { code?: string }).code === FENCED;
        this.stop(new Error(fenced ? `another server holds the domain lease now; this server's writes are refused (${(err as Error).message})` : `committing to PostgreSQL failed: ${(err as Error).message}`, { cause: err }));
        return;
      }
      this.inflight = undefined;
      if (this.fatal) return;
      if (refused.length) {
        const first = refused[0]!;
        this.stop(new Error(`PostgreSQL refused ${refused.length} write(s) already applied in memory (first: ${(first.err as Error).message}); the process must restart to reload its state`, { cause: first.err }));
        return;
      }
      this.held -= batch.unitCount;
      const ready = this.waiters.filter((w) => w.seq <= batch.seq);
      this.waiters = this.waiters.filter((w) => w.seq > batch.seq);
      for (const w of ready) w.resolve();
      for (const cb of batch.callbacks) {
        try {
          cb();
        } catch (err) {
          this.options.log.error({ err }, 'an afterCommit callback threw');
        }
      }
    }
  }

  /** Commits `batch`, retrying through broken connections. Answers the units PostgreSQL refused (normally none). */
  private async commit(batch: Batch): Promise<Array<{ unit: number; err: unknown }>> {
    const fence = this.options.fence;
    const claim = (fence ? sql`SELECT cadenza_check_lease(${fence.lease}, ${fence.epoch});` : '') + sql`SELECT cadenza_claim_batch(${this.writerId}, ${batch.seq})`;
    let delay = 50;
    for (;;) {
      let client: pg.Client | undefined;
      try {
        client = await this.writer();
        try {
          await client.query(`BEGIN;${claim}${batch.statements().join('')}COMMIT;`);
        } catch (err) {
          if (isTransient(err)) throw err;
          await client.query('ROLLBACK');
          const code = (err as { code?: string }).code;
          if (code === ALREADY_COMMITTED) return [];
          if (code === FENCED) throw err;
          return await this.commitUnitByUnit(client, batch, claim);
        }
        this.options.availability.markUp();
        return [];
      } catch (err) {
        if (!isTransient(err)) throw err;
        if (client === this.client) this.dropWriter();
        this.options.availability.markDown(err);
        if (this.fatal) return [];
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  /** After a statement failed: every unit in its own savepoint, the refused ones undone, the rest committed. */
  private async commitUnitByUnit(client: pg.Client, batch: Batch, claim: string): Promise<Array<{ unit: number; err: unknown }>> {
    const refused: Array<{ unit: number; err: unknown }> = [];
    try {
      await client.query(`BEGIN;${claim}`);
    } catch (err) {
      if ((err as { code?: string }).code === ALREADY_COMMITTED) {
        await client.query('ROLLBACK');
        return [];
      }
      throw err;
    }
    const units = batch.statements();
    for (let i = 0; i < units.length; i++) {
      try {
        await client.query(`SAVEPOINT unit;${units[i]}RELEASE SAVEPOINT unit;`);
      } catch (err) {
        if (isTransient(err)) throw err;
        await client.query('ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit;');
        refused.push({ unit: i, err });
      }
    }
    await client.query('COMMIT');
    this.options.availability.markUp();
    return refused;
  }

  private async writer(): Promise<pg.Client> {
    if (this.client) return this.client;
    // A batch unanswered for a minute is given up on this connection and retried on a new one (the claim keeps it once).
    const c = new pg.Client({ ...this.options.client, query_timeout: 60_000 });
    c.on('error', (err) => {
      if (this.client === c) this.dropWriter();
      this.options.availability.markDown(err);
    });
    await c.connect();
    // Literals in batches rely on it (sql-text.ts); commits wait for the WAL flush whatever the server default.
    await c.query('SET standard_conforming_strings = on; SET synchronous_commit = on;');
    this.client = c;
    return c;
  }

  private dropWriter(): void {
    const c = this.client;
    this.client = undefined;
    c?.end().catch(() => undefined);
  }

  private rejectWaiters(err: unknown): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(err);
  }

  /** The committer stops for good: nothing more is written or acknowledged. */
  private stop(err: Error, report = true): void {
    if (this.fatal) return;
    this.fatal = err;
    this.pending.length = 0;
    this.rejectWaiters(storeUnavailable(err));
    if (report && !this.closing) {
      this.options.log.error({ err }, 'PostgreSQL store stopped');
      this.onFatal(err);
    }
  }
}
