/**
 * @module stop-on-signals
 * How `npm start` and `npm run start:gateway` stop: SIGTERM (a supervisor, `docker stop`, `kill`) or SIGINT (Ctrl-C)
 * drains — clients are told 3001 shutdown, open writes finish — and the process exits 0, or 1 when the drain failed.
 *
 * The npm scripts `exec` node, so these signals reach this process rather than a shell that would die and leave the
 * server running. Ctrl-C in a terminal reaches the whole process group, and npm forwards the signal too: this
 * process then sees it twice at once. So a repeated signal is ignored for `forceAfterMs`; only one that comes
 * later (a person pressing Ctrl-C again on a shutdown that hangs) stops the process at once, with exit code 1. A
 * drain that outlasts `watchdogMs` ends the same way.
 */
import { performance } from 'node:perf_hooks';

export interface StopOptions {
  /** Drains and closes everything; the process exits when it settles. */
  stop(): Promise<void>;
  /** Tells the person or the log what happens. */
  say(message: string, error?: unknown): void;
  forceAfterMs?: number;
  watchdogMs?: number;
}

export function stopOnSignals(options: StopOptions): void {
  const forceAfterMs = options.forceAfterMs ?? 3_000;
  const watchdogMs = options.watchdogMs ?? 30_000;
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = performance.now();
    if (firstAt !== undefined) {
      if (now - firstAt < forceAfterMs) return;
      options.say(`${signal} again: stopping now, without finishing the shutdown`);
      process.exit(1);
    }
    firstAt = now;
    options.say(`${signal}: shutting down (clients are told to reconnect)`);
    setTimeout(() => {
      options.say(`shutdown did not finish within ${watchdogMs / 1000} s: stopping now`);
      process.exit(1);
    }, watchdogMs).unref();
    options.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        options.say('shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
