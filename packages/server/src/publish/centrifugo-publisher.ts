/**
 * @module publish/centrifugo-publisher
 * Publishes Cadenza's channels through a Centrifugo cluster's server API instead of the built-in gateway
 * (CADENZA_CENTRIFUGO_API_URL): what is published during one event-loop turn, and whatever queues while a request is
 * on its way, leaves as one `POST /api/batch` of `publish` / `broadcast` commands — group commit, as the store does.
 *
 * Promises:
 * - **Per-channel order.** A channel always travels in the same lane (a hash of its name), a lane has one request in
 *   flight and Centrifugo runs a batch's commands in order (`parallel: false`), so a channel's publications reach
 *   its history and subscribers in the order they were published. Lanes (default 4) run side by side.
 * - **Nothing lost to a hiccup.** A request that fails to reach Centrifugo (refused, reset, timed out, not 200) is
 *   retried whole, 50 ms doubling to 2 s; later publications queue behind it. Commands Centrifugo refuses (e.g. an
 *   unknown namespace) are counted and logged, not retried.
 * - **Bounded.** Past `maxQueued` waiting commands, new publications are dropped and counted (`stats().dropped`):
 *   market data is superseded within a second, and a client that missed account events recovers them from the
 *   channel's history only if they reached it — the log says so.
 * - `publish` never throws and never waits: market data and domain events hand their publications over and go on.
 */
import { RawJson } from '@cadenza/gateway';
import type { CentrifugoApi } from './centrifugo-api.ts';

export interface PublisherLog {
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface CentrifugoPublisherOptions {
  api: CentrifugoApi;
  log: PublisherLog;
  /** Parallel ordered streams. Default 4. */
  lanes?: number;
  /** Commands per request. Default 1000. */
  maxBatch?: number;
  /** Commands waiting (all lanes) before new ones are dropped. Default 100,000. */
  maxQueued?: number;
}

export interface PublisherStats {
  /** Commands waiting or on their way. */
  queued: number;
  /** Commands Centrifugo accepted. */
  published: number;
  /** Commands Centrifugo refused. */
  refused: number;
  /** Publications dropped because the queue was full. */
  dropped: number;
  /** Requests sent (a retry counts again). */
  requests: number;
  /** Whether the last request reached Centrifugo. */
  reachable: boolean;
}

class Lane {
  queue: string[] = [];
  sending = 0;
  busy = false;
  scheduled = false;
  backoff = 50;
}

export class CentrifugoPublisher {
  private readonly lanes: Lane[];
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private queued = 0;
  private readonly counts = { published: 0, refused: 0, dropped: 0, requests: 0 };
  private reachable = true;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private lastWarn = 0;

  constructor(private readonly options: CentrifugoPublisherOptions) {
    this.lanes = Array.from({ length: Math.max(1, options.lanes ?? 4) }, () => new Lane());
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxQueued = options.maxQueued ?? 100_000;
  }

  /** Queues one publication; a `RawJson` is sent as the text it holds. */
  publish(channel: string, data: unknown): void {
    this.enqueue(this.laneOf(channel), `{"publish":{"channel":${JSON.stringify(channel)},"data":${data instanceof RawJson ? data.text : JSON.stringify(data)}}}`);
  }

  /** Queues one payload for several channels (serialised once per lane; each channel keeps its order). */
  broadcast(channelNames: readonly string[], data: unknown): void {
    if (channelNames.length === 1) return this.publish(channelNames[0]!, data);
    const json = JSON.stringify(data);
    const perLane = new Map<Lane, string[]>();
    for (const ch of channelNames) {
      const lane = this.laneOf(ch);
      perLane.set(lane, [...(perLane.get(lane) ?? []), ch]);
    }
    for (const [lane, chs] of perLane) {
      this.enqueue(lane, chs.length === 1 ? `{"publish":{"channel":${JSON.stringify(chs[0])},"data":${json}}}` : `{"broadcast":{"channels":${JSON.stringify(chs)},"data":${json}}}`);
    }
  }

  stats(): PublisherStats {
    return { queued: this.queued, ...this.counts, reachable: this.reachable };
  }

  /** Resolves once everything queued so far has been answered by Centrifugo (or dropped at close). */
  idle(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Sends what is queued (waiting at most `timeoutMs` for an unreachable Centrifugo), then stops. */
  async close(timeoutMs = 5000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.idle(), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    this.closed = true;
    if (this.queued > 0) this.options.log.error({ unsent: this.queued }, 'stopped with publications Centrifugo never took');
    this.queued = 0;
    this.wakeIdle();
  }

  private laneOf(channel: string): Lane {
    if (this.lanes.length === 1) return this.lanes[0]!;
    let h = 2166136261;
    for (let i = 0; i < channel.length; i++) h = Math.imul(h ^ channel.charCodeAt(i), 16777619);
    return this.lanes[(h >>> 0) % this.lanes.length]!;
  }

  private enqueue(lane: Lane, command: string): void {
    if (this.closed) return;
    if (this.queued >= this.maxQueued) {
      this.counts.dropped++;
      this.warn({ queued: this.queued }, 'Centrifugo publish queue full: dropping publications');
      return;
    }
    lane.queue.push(command);
    this.queued++;
    this.schedule(lane);
  }

  private schedule(lane: Lane): void {
    if (lane.busy || lane.scheduled) return;
    lane.scheduled = true;
    setImmediate(() => {
      lane.scheduled = false;
      void this.drain(lane);
    });
  }

  private async drain(lane: Lane): Promise<void> {
    if (lane.busy) return;
    lane.busy = true;
    try {
      while (lane.queue.length && !this.closed) {
        const n = Math.min(lane.queue.length, this.maxBatch);
        const batch = lane.queue.slice(0, n);
        if (await this.send(batch)) {
          lane.queue.splice(0, n);
          this.queued -= n;
          lane.backoff = 50;
          this.wakeIdle();
        } else {
          await new Promise((r) => setTimeout(r, lane.backoff));
          lane.backoff = Math.min(lane.backoff * 2, 2000);
        }
      }
    } finally {
      lane.busy = false;
    }
  }

  /** One request; true when Centrifugo answered it (whatever it said about each command). */
  private async send(commands: string[]): Promise<boolean> {
    this.counts.requests++;
    let reply: { replies?: Array<{ error?: { code: number; message: string } }> };
    try {
      reply = (await this.options.api.post('batch', `{"commands":[${commands.join(',')}],"parallel":false}`)) as typeof reply;
    } catch (err) {
      if (this.reachable) this.options.log.error({ err }, 'Centrifugo API unreachable: publications wait and are retried');
      this.reachable = false;
      return false;
    }
    if (!this.reachable) this.options.log.warn({}, 'Centrifugo API reachable again');
    this.reachable = true;
    const replies = reply.replies ?? [];
    for (let i = 0; i < commands.length; i++) {
      const error = replies[i]?.error;
      if (error) {
        this.counts.refused++;
        this.warn({ code: error.code, message: error.message, command: commands[i]!.slice(0, 200) }, 'Centrifugo refused a publication');
      } else this.counts.published++;
    }
    return true;
  }

  private warn(obj: unknown, msg: string): void {
    const now = Date.now();
    if (now - this.lastWarn < 10_000) return;
    this.lastWarn = now;
    this.options.log.warn(obj, msg);
  }

  private wakeIdle(): void {
    if (this.queued > 0) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }
}
