/**
 * @module housekeeper
 * One shared timer for every connection (no per-connection timers): each tick walks the open sockets and sends the
 * pings that are due, enforces pong timeouts (3012), expiry (3005 / 3006), staleness (3502) and the close grace of
 * closing sockets. The tick is a quarter of the shortest deadline, capped at one second, so deadlines hold to
 * within that.
 */
import type { Core } from './core.ts';

export class Housekeeper {
  readonly #timer: NodeJS.Timeout;
  readonly tickMs: number;

  constructor(readonly core: Core) {
    const s = core.settings;
    const spans = [1000, s.staleCloseDelayMs / 4];
    if (s.pingIntervalMs > 0) spans.push(s.pingIntervalMs / 4);
    if (s.pongTimeoutMs > 0) spans.push(s.pongTimeoutMs / 4);
    this.tickMs = Math.max(20, Math.floor(Math.min(...spans)));
    this.#timer = setInterval(() => this.tick(), this.tickMs);
    this.#timer.unref();
  }

  tick(): void {
    const now = this.core.now();
    for (const conn of this.core.hub.sockets()) {
      try {
        conn.housekeep(now);
      } catch (err) {
        this.core.log.error({ err }, 'housekeeping failed');
      }
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
