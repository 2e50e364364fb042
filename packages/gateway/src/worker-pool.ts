/**
 * @module worker-pool
 * Several processes taking the connections of one listening port on one machine (`node:cluster`), so a gateway uses
 * every core for what costs the most per connection: Node's HTTP server, the WebSocket handshake, the token check.
 * The primary process forks `workers` copies of its own program and only supervises them; each worker is a whole
 * gateway node with its own connections. What one worker's clients must see of another's — publications, history,
 * stream positions, presence — goes through a broker they share (Redis), exactly as between gateway nodes on
 * different machines, so a client may land on any worker and recover its channels on any other.
 *
 * Promises:
 * - `start()` resolves with the port once every worker listens; a worker that exits before it ever listened fails
 *   the start (a bad setting would otherwise be restarted for ever) and the others are stopped.
 * - A worker that dies later is replaced; its clients reconnect (to the others at once, the kernel or the primary
 *   no longer hands it connections) and recover from the shared history. A worker that keeps dying young is
 *   restarted less and less often (`restartDelayMs` doubling up to `maxRestartDelayMs`), never given up on.
 * - `stop()` asks every worker to drain (SIGTERM: each tells its clients 3001 shutdown and closes), replaces none,
 *   and kills what has not exited after `stopTimeoutMs`.
 *
 * Scheduling: with 'round-robin' the primary accepts every connection and passes it to the next worker over IPC;
 * with 'shared-handle' the workers accept on the listening socket themselves and the kernel picks who wakes. Node 20
 * has no `reusePort`. The default is 'shared-handle': `npm run bench:fanout` measured round-robin's primary at about
 * 100 µs of CPU per connection (accept, then the handle sent over IPC) and its workers dearer too (receiving it),
 * 770 against 464 µs per connection for the whole server (docs/benchmarks.md); the kernel spread connections evenly
 * enough (within 10 % over 5,000) between two workers.
 */
import cluster, { type Worker } from 'node:cluster';
import type { GatewayLogger } from './options.ts';

export type WorkerScheduling = 'round-robin' | 'shared-handle';

export interface WorkerPoolOptions {
  workers: number;
  scheduling?: WorkerScheduling;
  log: Pick<GatewayLogger, 'info' | 'warn' | 'error'>;
  /** Extra environment for every worker (on top of the primary's). */
  env?: Record<string, string>;
  /** The module the workers run, with `execArgv` for node. Default: the primary's own program and flags. */
  exec?: string;
  execArgv?: string[];
  /** A worker is given up on after this long at stop, and killed. Default 10,000. */
  stopTimeoutMs?: number;
  /** The first delay before replacing a worker that died young; doubles each time it dies young again. Default 100. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A worker that lived at least this long before dying is replaced at once. Default 10,000. */
  healthyAfterMs?: number;
}

interface Slot {
  index: number;
  worker: Worker;
  startedAt: number;
  listening: boolean;
  delayMs: number;
}

export class WorkerPool {
  readonly #options: Required<Omit<WorkerPoolOptions, 'env' | 'scheduling' | 'exec' | 'execArgv'>> & Pick<WorkerPoolOptions, 'env'>;
  readonly #slots: Slot[] = [];
  #port = 0;
  #stopping: Promise<void> | undefined;
  #started = false;
  #onStartFailure: ((err: Error) => void) | undefined;
  #onListening: (() => void) | undefined;
  readonly #restarts = new Set<NodeJS.Timeout>();

  constructor(options: WorkerPoolOptions) {
    if (!cluster.isPrimary) throw new Error('a WorkerPool is made in the primary process');
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new Error(`workers: a whole number ≥ 1, not ${options.workers}`);
    // Frozen by Node at the first fork; a NODE_CLUSTER_SCHED_POLICY in the environment is overridden on purpose.
    cluster.schedulingPolicy = (options.scheduling ?? 'shared-handle') === 'round-robin' ? cluster.SCHED_RR : cluster.SCHED_NONE;
    if (options.exec !== undefined) cluster.setupPrimary({ exec: options.exec, ...(options.execArgv ? { execArgv: options.execArgv } : {}) });
    this.#options = {
      workers: options.workers,
      log: options.log,
      env: options.env,
      stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
      restartDelayMs: options.restartDelayMs ?? 100,
      maxRestartDelayMs: options.maxRestartDelayMs ?? 5_000,
      healthyAfterMs: options.healthyAfterMs ?? 10_000,
    };
  }

  /** Forks the workers; resolves with the port they share once all of them listen. */
  start(): Promise<{ port: number }> {
    if (this.#started) throw new Error('WorkerPool.start: already started');
    this.#started = true;
    return new Promise((resolve, reject) => {
      this.#onStartFailure = (err) => {
        this.#onStartFailure = undefined;
        this.#onListening = undefined;
        void this.stop().finally(() => reject(err));
      };
      this.#onListening = () => {
        if (this.#slots.every((s) => s.listening)) {
          this.#onStartFailure = undefined;
          this.#onListening = undefined;
          resolve({ port: this.#port });
        }
      };
      for (let i = 0; i < this.#options.workers; i++) this.#fork(i, this.#options.restartDelayMs);
    });
  }

  get port(): number {
    return this.#port;
  }

  /** The workers serving (alive and listening), in slot order: a replacement appears once it listens. */
  workers(): Worker[] {
    return this.#slots.filter((s) => s.listening && !s.worker.isDead()).map((s) => s.worker);
  }

  pids(): number[] {
    return this.workers().map((w) => w.process.pid!);
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    for (const t of this.#restarts) clearTimeout(t);
    const live = this.#slots.map((s) => s.worker).filter((w) => !w.isDead());
    await Promise.all(
      live.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            const kill = setTimeout(() => {
              this.#options.log.warn({ workerPid: w.process.pid }, 'gateway worker did not stop in time: killed');
              w.process.kill('SIGKILL');
            }, this.#options.stopTimeoutMs);
            w.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  }

  #fork(index: number, delayMs: number): void {
    const worker = cluster.fork({ ...this.#options.env, CADENZA_GATEWAY_WORKER_INDEX: String(index) });
    const slot: Slot = { index, worker, startedAt: Date.now(), listening: false, delayMs };
    this.#slots[index] = slot;
    worker.on('listening', (address) => {
      if (slot.listening) return;
      slot.listening = true;
      this.#port ||= address.port;
      this.#options.log.info({ worker: index, workerPid: worker.process.pid, port: address.port }, 'gateway worker listening');
      this.#onListening?.();
    });
    worker.on('exit', (code, signal) => this.#exited(slot, code, signal));
    // An IPC error (the worker gone mid-send) is reported by 'exit' too.
    worker.on('error', () => undefined);
  }

  #exited(slot: Slot, code: number | null, signal: string | null): void {
    if (this.#stopping) return;
    if (!slot.listening && this.#onStartFailure) {
      this.#onStartFailure(new Error(`gateway worker ${slot.index} exited before listening (${signal ?? `code ${code}`})`));
      return;
    }
    const lived = Date.now() - slot.startedAt;
    const delay = lived >= this.#options.healthyAfterMs ? 0 : slot.delayMs;
    const next = lived >= this.#options.healthyAfterMs ? this.#options.restartDelayMs : Math.min(slot.delayMs * 2, this.#options.maxRestartDelayMs);
    this.#options.log.warn({ worker: slot.index, workerPid: slot.worker.process.pid, code, signal, restartInMs: delay }, 'gateway worker died: replacing it (its clients reconnect to the others)');
    const timer = setTimeout(() => {
      this.#restarts.delete(timer);
      if (!this.#stopping) this.#fork(slot.index, next);
    }, delay);
    this.#restarts.add(timer);
  }
}
