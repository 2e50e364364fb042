/**
 * @module postgres/domain-lease
 * A lease in PostgreSQL that makes one process at a time the holder of something that must have one writer — for
 * Cadenza, the trading domain's write side (`domain`). Several servers on one database each run a `PgLease`; one
 * holds it, the others wait and know who holds it.
 *
 * How it is held: a session advisory lock on a connection of its own, plus a row in `cadenza_leases` with an
 * **epoch** that every new holder increments (and the holder's address, for the others to forward to).
 * - A holder that dies (process killed, machine gone) loses its session and with it the lock at once; a waiter
 *   blocked in `pg_advisory_lock` (at most `pollMs` per attempt) gets it, increments the epoch and holds.
 * - A holder that falls silent without closing its connection (a partition, a frozen process) is cut by PostgreSQL
 *   after `silenceMs` (`idle_session_timeout`, TCP keepalives and `tcp_user_timeout` on the lease session): the
 *   holder probes its session every `pollMs`, so a live holder is never idle that long.
 * - **The epoch fences writes.** The holder's store passes `cadenza_check_lease(name, epoch)` in every write batch
 *   (write-behind.ts): a batch of an earlier holder, arriving after the epoch moved on, is refused (CZ002). The
 *   bump takes the row lock that batch takes, so the new holder starts after the last batch of the old one and
 *   loads everything it committed.
 * - When the holder's lease connection breaks (a PostgreSQL restart, a network blip) it reconnects and takes the
 *   lock back while the epoch is still its own; waiters whose connection broke let it go first for `graceMs`. If
 *   the epoch has moved on, the lease is lost: `onLost` (the server stops — its memory is no longer the truth).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { silentLogger, type Logger } from '@cadenza/domain';
import { clientConfig, describeUrl, isTransient, openPool } from './connection.ts';
import { domainMigrations } from './domain-migrations.ts';
import { migrate } from './migrator.ts';

/** Who holds a lease: its epoch and the address it gave. */
export interface LeaseHolder {
  epoch: number;
  holder: string;
}

export type LeaseState =
  /** This process holds the lease at `epoch`. */
  | { role: 'holder'; epoch: number }
  /** Another process holds it (`current`), or nobody is known to yet. */
  | { role: 'waiting'; current?: LeaseHolder };

export interface PgLeaseOptions {
  url: string;
  /** Default `domain`. */
  name?: string;
  /** What the others learn about this process when it holds the lease (Cadenza: the URL it answers at). */
  holder: string;
  log?: Logger;
  /** A waiter's longest wait for the lock per attempt, and the holder's probe interval. Default 1000 ms. */
  pollMs?: number;
  /** A silent holder's session is ended by PostgreSQL after this long. Default 10,000 ms. */
  silenceMs?: number;
  /** A waiter whose connection broke leaves the lock to the holder's reconnect for this long. Default 3000 ms. */
  graceMs?: number;
  /** Every change of state. */
  onChange?(state: LeaseState): void;
  /** The holder learned that another process holds the lease now. */
  onLost?(err: Error): void;
}

const LOCK_NOT_AVAILABLE = '55P03';

/** The advisory lock key of a lease name (64 bits of a hash, as PostgreSQL's signed bigint). */
function lockKey(name: string): string {
  return createHash('sha256').update(`cadenza lease ${name}`).digest().readBigInt64BE(0).toString();
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

export class PgLease {
  private readonly name: string;
  private readonly key: string;
  private readonly pollMs: number;
  private readonly silenceMs: number;
  private readonly graceMs: number;
  private readonly log: Logger;
  private client: pg.Client | undefined;
  private current: LeaseState = { role: 'waiting' };
  /** The holder's connection broke: the lock must be taken back before it can be trusted again. */
  private reclaiming = false;
  private graceUntil = 0;
  private closed = false;
  private answered = false;
  private running: Promise<void> | undefined;
  private settle: ((s: LeaseState) => void) | undefined;
  private readonly settled: Promise<LeaseState>;

  private constructor(private readonly options: PgLeaseOptions) {
    this.name = options.name ?? 'domain';
    this.key = lockKey(this.name);
    this.pollMs = options.pollMs ?? 1000;
    this.silenceMs = options.silenceMs ?? 10_000;
    this.graceMs = options.graceMs ?? 3000;
    this.log = options.log ?? silentLogger;
    this.settled = new Promise((resolve) => (this.settle = resolve));
  }

  /** Checks the database and its schema (the domain migrations create the lease table); does not contend yet. */
  static async open(options: PgLeaseOptions): Promise<PgLease> {
    const pool = await openPool({ url: options.url, max: 1, applicationName: 'cadenza-lease' });
    try {
      await migrate(pool, 'domain', domainMigrations);
    } finally {
      await pool.end().catch(() => undefined);
    }
    return new PgLease(options);
  }

  get state(): LeaseState {
    return this.current;
  }

  /** Whether the lease's last query reached PostgreSQL (a follower's view of the database's health). */
  get reachable(): boolean {
    return this.answered;
  }

  /** Starts contending; resolves with the first settled state: holding, or waiting with a known holder. */
  start(): Promise<LeaseState> {
    this.running ??= this.loop();
    return this.settled;
  }

  /** Gives the lease up (the session ends, and with it the lock) and stops contending. */
  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    let backoff = 50;
    while (!this.closed) {
      try {
        const c = await this.connection();
        if (this.current.role === 'holder') await this.hold(c);
        else await this.wait(c);
        this.answered = true;
        backoff = 50;
      } catch (err) {
        if (this.closed) return;
        this.answered = false;
        this.dropConnection();
        if (this.current.role === 'holder') {
          if (!this.reclaiming) this.log.warn({ err, lease: this.name }, 'lost the connection holding the lease; taking it back');
          this.reclaiming = true;
        } else {
          this.graceUntil = Date.now() + this.graceMs;
        }
        if (!isTransient(err)) this.log.error({ err, lease: this.name }, 'lease query failed');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  /** Waiting: one bounded attempt at the lock; on failure, learn who holds it. */
  private async wait(c: pg.Client): Promise<void> {
    if (Date.now() < this.graceUntil) {
      await this.learnHolder(c);
      await sleep(this.pollMs);
      return;
    }
    try {
      await c.query('SELECT pg_advisory_lock($1)', [this.key]);
    } catch (err) {
      if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw err;
      await this.learnHolder(c);
      return;
    }
    // The lock is ours: a new epoch, after the last write batch of the previous holder (its row lock).
    await c.query('BEGIN');
    let epoch: number;
    try {
      await c.query('SET LOCAL lock_timeout = 0');
      const r = await c.query<{ epoch: string }>(
        `INSERT INTO cadenza_leases AS l (name, epoch, holder) VALUES ($1, 1, $2)
         ON CONFLICT (name) DO UPDATE SET epoch = l.epoch + 1, holder = excluded.holder, acquired_at = now()
         RETURNING epoch`,
        [this.name, this.options.holder],
      );
      await c.query('COMMIT');
      epoch = Number(r.rows[0]!.epoch);
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    this.log.info({ lease: this.name, epoch }, 'holding the lease');
    this.change({ role: 'holder', epoch });
  }

  /** Holding: probe the session every `pollMs` (so PostgreSQL never finds it silent); after a break, take the lock back. */
  private async hold(c: pg.Client): Promise<void> {
    const mine = (this.current as { epoch: number }).epoch;
    if (this.reclaiming) {
      const got = (await c.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [this.key])).rows[0]!.got;
      const row = await this.readRow(c);
      if (row && row.epoch !== mine) return this.lose(`another server holds the ${this.name} lease now (epoch ${row.epoch}, ${row.holder})`);
      if (!got) {
        // Our previous session may still hold it until PostgreSQL notices it is gone (at most silenceMs).
        await sleep(Math.min(this.pollMs, 500));
        return;
      }
      this.reclaiming = false;
      this.log.info({ lease: this.name, epoch: mine }, 'holding the lease again after a broken connection');
      return;
    }
    await sleep(this.pollMs);
    if (this.closed) return;
    const row = await this.readRow(c);
    if (row?.epoch !== mine) return this.lose(`the ${this.name} lease moved to epoch ${row?.epoch ?? 'none'} (${row?.holder ?? 'nobody'}) while this server held epoch ${mine}`);
  }

  private lose(why: string): void {
    const err = new Error(why);
    this.log.error({ lease: this.name }, why);
    this.closed = true;
    this.dropConnection();
    this.change({ role: 'waiting' });
    this.options.onLost?.(err);
  }

  private async learnHolder(c: pg.Client): Promise<void> {
    const row = await this.readRow(c);
    const prev = this.current.role === 'waiting' ? this.current.current : undefined;
    if (row && (prev?.epoch !== row.epoch || prev.holder !== row.holder)) this.change({ role: 'waiting', current: row });
  }

  private async readRow(c: pg.Client): Promise<LeaseHolder | undefined> {
    const r = await c.query<{ epoch: string; holder: string }>('SELECT epoch, holder FROM cadenza_leases WHERE name = $1', [this.name]);
    const row = r.rows[0];
    return row ? { epoch: Number(row.epoch), holder: row.holder } : undefined;
  }

  private change(state: LeaseState): void {
    this.current = state;
    if (state.role === 'holder' || state.current) this.settle?.(state);
    try {
      this.options.onChange?.(state);
    } catch (err) {
      this.log.error({ err }, 'a lease listener threw');
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = new pg.Client({
      ...clientConfig({ url: this.options.url, applicationName: `cadenza-lease-${this.name}` }),
      // Longer than the longest lock wait: a query past it means the server went silent.
      query_timeout: this.pollMs + 5000,
    });
    c.on('error', (err) => {
      if (this.client === c) this.log.warn({ err, database: describeUrl(this.options.url) }, 'lease connection error');
    });
    await c.connect();
    this.client = c;
    const s = Math.max(1, Math.round(this.silenceMs / 1000));
    await c.query(
      `SET lock_timeout = ${this.pollMs}; SET idle_session_timeout = ${this.silenceMs}; SET tcp_user_timeout = ${this.silenceMs};` +
        `SET tcp_keepalives_idle = ${Math.max(1, Math.floor(s / 2))}; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = ${Math.max(1, Math.ceil(s / 2))};`,
    );
    return c;
  }

  private dropConnection(): void {
    const c = this.client;
    this.client = undefined;
    c?.end().catch(() => undefined);
  }
}
