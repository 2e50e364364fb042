/**
 * @module postgres/connection
 * The pool, what counts as "the database went away", and the store's availability.
 *
 * - `openPool` connects once before answering, so a wrong URL or a database that is down fails the start with a
 *   message naming the server (never the password) and what to check.
 * - `isTransient` tells failures worth retrying (the connection broke, the server is shutting down or starting, out
 *   of connections, a serialization failure or deadlock) from errors in the statement itself.
 * - `Availability` is the one flag the store, its health check and the RPC gate read: down from the first failure
 *   to reach the database, up again when a probe (every `probeMs` while down) gets an answer. While up, a probe every
 *   5 s notices a database that went away without closing its connections (a partition), which would otherwise
 *   surface only when a query times out.
 * - Connections send TCP keepalives after 10 s idle; a probe unanswered for 5 s counts as a failure.
 */
import pg from 'pg';
import { DomainError } from '@cadenza/domain';

export interface PoolOptions {
  /** `postgres://user:password@host:port/database` (libpq URL; `?options=-c search_path=…` picks a schema). */
  url: string;
  /** Connections for reads (the writer has its own). Default 10. */
  max?: number;
  /** How long to wait for a connection. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** `application_name` shown in pg_stat_activity. */
  applicationName?: string;
}

/** The URL without its password, for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

/** SQLSTATE classes and codes of failures that a retry on a fresh connection may get past. */
const TRANSIENT_STATES = /^(08|53|57P0[1-4]|40001|40P01|55P03)/;
const TRANSIENT_MESSAGES = /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Client was closed|Query read timeout/i;

export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_STATES.test(code);
    return true; // a Node socket error: ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ENOTFOUND, …
  }
  return TRANSIENT_MESSAGES.test(err.message);
}

/** The temporary error every request gets while the database cannot be reached. */
export function storeUnavailable(cause?: unknown): DomainError {
  return new DomainError('STORE_UNAVAILABLE', undefined, { cause });
}

export function clientConfig(options: PoolOptions): pg.ClientConfig {
  return {
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: options.applicationName ?? 'cadenza',
  };
}

/** A pool that has reached the database once. Throws a clear error when it cannot. */
export async function openPool(options: PoolOptions): Promise<pg.Pool> {
  const pool = new pg.Pool({ ...clientConfig(options), max: options.max ?? 10, idleTimeoutMillis: 30_000 });
  // An idle connection the server closes (restart, failover) reports here; without a listener it would crash the process.
  pool.on('error', () => undefined);
  try {
    const r = await pool.query<{ server_version_num: string }>('SHOW server_version_num');
    const version = Number(r.rows[0]?.server_version_num ?? 0);
    if (version < 150000) throw new Error(`PostgreSQL 15 or newer is required, ${describeUrl(options.url)} runs ${version}`);
  } catch (err) {
    await pool.end().catch(() => undefined);
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot use the database at ${describeUrl(options.url)}: ${why} (check CADENZA_DATABASE_URL and that PostgreSQL is running)`, { cause: err });
  }
  return pool;
}

export interface AvailabilityEvents {
  down(err: unknown): void;
  up(): void;
}

/** Whether the database answers; probes it while it does not. */
export class Availability {
  private healthy = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly watch: ReturnType<typeof setInterval>;
  private watching = false;
  private closed = false;
  private readonly listeners: Array<(up: boolean) => void> = [];

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly events: AvailabilityEvents,
    private readonly probeMs = 500,
    watchMs = 5000,
  ) {
    this.watch = setInterval(() => void this.watchOnce(), watchMs);
    this.watch.unref?.();
  }

  /** The probe while up: a failure that reaches nothing marks the database down. */
  private async watchOnce(): Promise<void> {
    if (!this.healthy || this.watching || this.closed) return;
    this.watching = true;
    try {
      await this.timedProbe();
    } catch (err) {
      if (isTransient(err)) this.markDown(err);
    } finally {
      this.watching = false;
    }
  }

  get up(): boolean {
    return this.healthy;
  }

  /** Calls `listener(up)` on every change. */
  onChange(listener: (up: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** A transient failure: the database is down until a probe answers. */
  markDown(err: unknown): void {
    if (this.closed) return;
    if (this.healthy) {
      this.healthy = false;
      this.events.down(err);
      for (const l of this.listeners) l(false);
    }
    this.timer ??= setTimeout(() => void this.tryProbe(), this.probeMs);
    this.timer.unref?.();
  }

  /** Something reached the database. */
  markUp(): void {
    if (this.healthy || this.closed) return;
    this.healthy = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.events.up();
    for (const l of this.listeners) l(true);
  }

  private timedProbe(): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('the database did not answer a probe in 5 s'), { code: 'ETIMEDOUT' })), 5000);
    });
    return Promise.race([this.probe(), late]).finally(() => clearTimeout(timer));
  }

  private async tryProbe(): Promise<void> {
    this.timer = undefined;
    try {
      await this.timedProbe();
      this.markUp();
    } catch (err) {
      this.markDown(err);
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.watch);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
