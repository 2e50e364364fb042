/**
 * @module revocation-watch
 * Follows the store's revocation log so a running service hears of sessions ended by anyone sharing the store:
 * the admin CLI (`revoke-sessions`, `set-password`, `revoke-admin`), other server instances, an operator's SQL.
 *
 * Promises: starting at the log's newest entry (sessions ended before the start have no live connections here),
 * every later entry is reported once, in log order, grouped per user within a poll; polls never overlap; a failed
 * poll is logged and retried at the next tick from the same place; the timer is unref'd (never keeps the process
 * alive) and `stop()` ends it, waiting for a poll in flight. Cost per tick: one primary-key range read, empty
 * almost always.
 */
import type { AuthLogger } from './auth-logger.ts';
import type { RevocationLog } from './auth-store.ts';

export interface RevocationWatchOptions {
  log: RevocationLog;
  intervalMs: number;
  /** Called with the sessions of one user found ended in one poll. */
  onRevoked(userId: string, sessionIds: string[]): void;
  logger: AuthLogger;
  /** Entries read per query; a poll keeps reading until a short batch. Default 500. */
  batchSize?: number;
}

export class RevocationWatch {
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: RevocationWatchOptions) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) throw new Error('revocation watch interval must be > 0 ms');
  }

  /** Sets the starting point (the newest entry now) and starts polling. */
  async start(): Promise<void> {
    this.cursor = await this.options.log.latestRevocationId();
    this.schedule();
  }

  /** Reads the entries logged since the last poll and reports them (also run by the timer). */
  poll(): Promise<void> {
    this.inFlight ??= this.readNew().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stops the timer; resolves once a poll in flight has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll().finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async readNew(): Promise<void> {
    const limit = this.options.batchSize ?? 500;
    try {
      for (;;) {
        const batch = await this.options.log.revocationsAfter(this.cursor, limit);
        if (batch.length === 0) return;
        const byUser = new Map<string, string[]>();
        for (const r of batch) {
          const ids = byUser.get(r.userId);
          if (ids) ids.push(r.sessionId);
          else byUser.set(r.userId, [r.sessionId]);
        }
        this.cursor = batch[batch.length - 1]!.id;
        for (const [userId, sessionIds] of byUser) {
          try {
            this.options.onRevoked(userId, sessionIds);
          } catch (err) {
            this.options.logger.error({ err, userId }, 'revocation watch: reporting failed');
          }
        }
        if (batch.length < limit) return;
      }
    } catch (err) {
      this.options.logger.warn({ err }, 'revocation watch: reading the revocation log failed; retrying at the next tick');
    }
  }
}
