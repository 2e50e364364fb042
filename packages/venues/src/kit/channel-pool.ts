/**
 * @module kit/channel-pool
 * Market-data subscriptions ("channels", named by a key the connector chooses, e.g. `books:BTC-USDT`) spread over
 * as few sockets as the venue's per-connection limit allows. A channel stays on the socket it was given; a socket
 * opens when its first channel is added and closes when its last one is removed (feeds on demand, stopped when
 * unused). On every (re)open the socket sends the connector's greeting and subscribes all its channels again; a
 * lost socket reports its channels down. Subscribe/unsubscribe frames are paced per socket
 * (`controlIntervalMs`), since venues cap control messages per connection.
 *
 * A channel the venue refuses (an error answer, a rate limit: the connector says so with `refused`) is reported down
 * and subscribed again after a capped, jittered exponential back-off (`refusedRetryMs`) for as long as it is wanted,
 * until the connector sees it `confirmed`; a warning is logged once per outage, and the recovery once. Without this a
 * refused channel would stay wanted and silent until the socket happened to reconnect. Every confirmation of a wanted
 * channel is passed on (`onConfirmed`): connectors wire it to their FeedTable, which reports the symbol UP again.
 *
 * Venues that take the initial channels in the URL (Binance's `/stream?streams=a/b`) give `url` as a function of a
 * socket's channels: it is read at every connection attempt, and the channels it named are not subscribed again on
 * open. `maxAgeMs` and `PoolSocket.rotate` replace a socket make-before-break (kit/managed-socket.ts), for venues
 * that cut connections at an age or announce a shutdown.
 */
import { ManagedSocket, backoffDelay, type Backoff } from './managed-socket.ts';

export interface PoolSocket {
  readonly id: number;
  /** Channels carried by this socket. */
  readonly channels: ReadonlySet<string>;
  send(frame: unknown): boolean;
  /** Unsubscribes and subscribes a channel again (e.g. after a checksum mismatch). */
  resubscribe(channel: string): void;
  /** Drops the connection (it reconnects and resubscribes everything: e.g. after a sequence gap). */
  reconnect(reason: string): void;
  /** Moves the channels to a new connection without an outage (a venue's shutdown notice). */
  rotate(reason: string): void;
}

export interface ChannelPoolOptions {
  name: string;
  /** A fixed URL, or one naming the socket's channels (read at every connection attempt). */
  url: string | ((channels: ReadonlySet<string>) => string);
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Channels per socket (Bitfinex: 25 public channels; OKX: no documented cap, 100 keeps frames small). */
  capacity: number;
  /** Frames that subscribe / unsubscribe these channels on a socket (batched as the venue allows). */
  subscribeFrames(channels: string[], socket: PoolSocket): unknown[];
  unsubscribeFrames(channels: string[], socket: PoolSocket): unknown[];
  /** Frames sent first on every open (Bitfinex `conf` flags). */
  greeting?(): unknown[];
  onMessage(socket: PoolSocket, text: string): void;
  /** The socket carrying `channels` opened (again); the channels' data will follow. */
  onOpen?(socket: PoolSocket): void;
  onDown(channels: ReadonlySet<string>, reason: string): void;
  /** The venue confirmed a wanted channel (`confirmed`, `answered`): it is live, also after a refusal. */
  onConfirmed?(channel: string, socket: PoolSocket): void;
  beforeConnect?(): Promise<unknown>;
  reconnectDelayMs?: Backoff;
  idleTimeoutMs?: number;
  pingIntervalMs?: number;
  pingFrame?: string;
  controlIntervalMs?: number;
  /** Sockets are replaced make-before-break at this age. */
  maxAgeMs?: number;
  /**
   * Back-off before subscribing a refused channel again (default: `reconnectDelayMs`, else 1 s doubling to 60 s); each
   * wait is jittered to between half and all of it, so channels refused together do not return together.
   */
  refusedRetryMs?: Backoff;
}

/** A refused channel's outage: refusals so far and the pending retry. */
interface Refusal {
  attempts: number;
  timer: NodeJS.Timeout | undefined;
}

class Member implements PoolSocket {
  readonly channels = new Set<string>();
  private readonly queue: Array<{ op: 'sub' | 'unsub'; channel: string }> = [];
  private timer: NodeJS.Timeout | undefined;
  private lastControlAt = -Infinity;
  /** Channels the URL of the connection being opened named (already subscribed when it opens). */
  private named: ReadonlySet<string> = new Set();
  /** Channels the venue refused and has not confirmed since. */
  private readonly refusals = new Map<string, Refusal>();
  readonly socket: ManagedSocket;

  constructor(
    readonly id: number,
    private readonly options: ChannelPoolOptions,
  ) {
    this.socket = new ManagedSocket({
      name: `${options.name} #${id}`,
      url: typeof options.url === 'string' ? options.url : this.urlNaming(options.url),
      log: options.log,
      ...(options.reconnectDelayMs ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      ...(options.pingIntervalMs !== undefined ? { pingIntervalMs: options.pingIntervalMs } : {}),
      ...(options.pingFrame !== undefined ? { pingFrame: options.pingFrame } : {}),
      ...(options.beforeConnect ? { beforeConnect: options.beforeConnect } : {}),
      ...(options.maxAgeMs !== undefined ? { maxAgeMs: options.maxAgeMs } : {}),
      onOpen: () => {
        this.queue.length = 0;
        for (const r of this.refusals.values()) r.timer = clearRetry(r.timer);
        for (const f of options.greeting?.() ?? []) this.socket.send(f);
        for (const c of this.named) if (!this.channels.has(c)) this.queue.push({ op: 'unsub', channel: c });
        for (const c of this.channels) if (!this.named.has(c)) this.queue.push({ op: 'sub', channel: c });
        this.named = new Set();
        options.onOpen?.(this);
        this.flushSoon();
      },
      onMessage: (text) => options.onMessage(this, text),
      onDown: (reason) => {
        this.queue.length = 0;
        options.onDown(new Set(this.channels), reason);
      },
    });
  }

  send(frame: unknown): boolean {
    return this.socket.send(frame);
  }

  add(channel: string): void {
    this.channels.add(channel);
    if (!this.socket.isWanted) this.socket.start();
    else if (this.socket.isOpen) this.enqueue('sub', channel);
  }

  remove(channel: string): void {
    if (!this.channels.delete(channel)) return;
    this.forgetRefusal(channel);
    if (this.channels.size === 0) {
      this.queue.length = 0;
      clearTimeout(this.timer);
      this.timer = undefined;
      this.socket.stop();
      return;
    }
    if (this.socket.isOpen) this.enqueue('unsub', channel);
  }

  reconnect(reason: string): void {
    this.socket.reconnect(reason);
  }

  rotate(reason: string): void {
    this.socket.rotate(reason);
  }

  /** The URL for the next connection attempt, remembering which channels it names. */
  private urlNaming(url: (channels: ReadonlySet<string>) => string): () => string {
    return () => {
      this.named = new Set(this.channels);
      return url(this.named);
    };
  }

  resubscribe(channel: string): void {
    if (!this.channels.has(channel) || !this.socket.isOpen) return;
    this.enqueue('unsub', channel);
    this.enqueue('sub', channel);
  }

  /** The venue refused the channel: down now, subscribed again after the back-off while it is wanted. */
  refused(channel: string, reason: string): void {
    if (!this.channels.has(channel)) return;
    let r = this.refusals.get(channel);
    if (!r) {
      this.refusals.set(channel, (r = { attempts: 0, timer: undefined }));
      this.options.log.warn({ channel, reason }, `${this.options.name}: the venue refused a channel; subscribing again with back-off while it is wanted`);
    }
    this.options.onDown(new Set([channel]), `subscription refused: ${reason}`);
    clearRetry(r.timer);
    const backoff = this.options.refusedRetryMs ?? this.options.reconnectDelayMs ?? { min: 1000, max: 60_000 };
    const delay = backoffDelay(r.attempts++, backoff) * (0.5 + Math.random() / 2);
    const retry = r;
    retry.timer = setTimeout(() => {
      retry.timer = undefined;
      if (this.channels.has(channel) && this.socket.isOpen) this.enqueue('sub', channel);
    }, delay);
  }

  /** The venue confirmed the channel: a refusal outage, if any, is over, and the channel is live. */
  confirmed(channel: string): void {
    if (!this.channels.has(channel)) return;
    const r = this.refusals.get(channel);
    if (r) {
      this.forgetRefusal(channel);
      this.options.log.info({ channel, refusals: r.attempts }, `${this.options.name}: a refused channel is subscribed again`);
    }
    this.options.onConfirmed?.(channel, this);
  }

  private forgetRefusal(channel: string): void {
    const r = this.refusals.get(channel);
    if (!r) return;
    clearRetry(r.timer);
    this.refusals.delete(channel);
  }

  close(): void {
    for (const c of [...this.refusals.keys()]) this.forgetRefusal(c);
    this.channels.clear();
    clearTimeout(this.timer);
    this.socket.stop();
  }

  private enqueue(op: 'sub' | 'unsub', channel: string): void {
    this.queue.push({ op, channel });
    this.flushSoon();
  }

  private flushSoon(): void {
    if (this.timer) return;
    const interval = this.options.controlIntervalMs ?? 100;
    const wait = Math.max(0, this.lastControlAt + interval - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  /** One batch of like operations per tick: consecutive subs (or unsubs) go in one frame set. */
  private flush(): void {
    if (this.queue.length === 0 || !this.socket.isOpen) return;
    const op = this.queue[0]!.op;
    const batch: string[] = [];
    while (this.queue.length > 0 && this.queue[0]!.op === op && batch.length < 50) batch.push(this.queue.shift()!.channel);
    const wanted = op === 'sub' ? batch.filter((c) => this.channels.has(c)) : batch;
    if (wanted.length > 0) {
      for (const f of op === 'sub' ? this.options.subscribeFrames(wanted, this) : this.options.unsubscribeFrames(wanted, this)) this.socket.send(f);
      this.lastControlAt = performance.now();
    }
    if (this.queue.length > 0) this.flushSoon();
  }
}

export class ChannelPool {
  private readonly members: Member[] = [];
  private readonly owner = new Map<string, Member>();
  /** Subscribe requests not answered yet, by the venue's request id: the channels they asked for. */
  private readonly unanswered = new Map<unknown, readonly string[]>();
  private nextId = 1;

  constructor(private readonly options: ChannelPoolOptions) {}

  /** Channels currently wanted. */
  get channels(): ReadonlySet<string> {
    return new Set(this.owner.keys());
  }

  /** Sockets carrying at least one channel. */
  get socketCount(): number {
    return this.members.filter((m) => m.channels.size > 0).length;
  }

  has(channel: string): boolean {
    return this.owner.has(channel);
  }

  add(channel: string): void {
    if (this.owner.has(channel)) return;
    const member = this.members.find((m) => m.channels.size > 0 && m.channels.size < this.options.capacity) ?? this.members.find((m) => m.channels.size === 0) ?? this.spawn();
    this.owner.set(channel, member);
    member.add(channel);
  }

  remove(channel: string): void {
    const member = this.owner.get(channel);
    if (!member) return;
    this.owner.delete(channel);
    member.remove(channel);
  }

  /** Unsubscribes and subscribes one channel again on its socket. */
  resubscribe(channel: string): void {
    this.owner.get(channel)?.resubscribe(channel);
  }

  /**
   * The venue refused the channel (an error answer naming it, a rate limit): it is reported down and subscribed
   * again after a jittered, capped exponential back-off while it is wanted (see the module notes).
   */
  refused(channel: string, reason: string): void {
    this.owner.get(channel)?.refused(channel, reason);
  }

  /** The venue confirmed the channel's subscription (ends a refusal outage; `onConfirmed` hears of it). */
  confirmed(channel: string): void {
    this.owner.get(channel)?.confirmed(channel);
  }

  /**
   * For venues whose answers name the request, not the channels (OKX, Binance, Deribit): remembers what the subscribe
   * request `id` asked for until `answered`. Only the most recent few hundred are kept: a request lost with its socket
   * is never answered, and the reopened socket subscribes its channels again anyway.
   */
  expectAnswer(id: unknown, channels: readonly string[]): void {
    this.unanswered.set(id, channels);
    if (this.unanswered.size > 500) this.unanswered.delete(this.unanswered.keys().next().value);
  }

  /**
   * The venue answered request `id`: its channels are confirmed, or refused with `refusal` (for all of them, or per
   * channel: undefined confirms it). Answers the channels it concerned (none for an id that is not a pending
   * subscribe: an unsubscribe, a heartbeat, a stranger).
   */
  answered(id: unknown, refusal?: string | ((channel: string) => string | undefined)): readonly string[] {
    const channels = this.unanswered.get(id);
    if (!channels) return [];
    this.unanswered.delete(id);
    for (const c of channels) {
      const why = typeof refusal === 'function' ? refusal(c) : refusal;
      if (why === undefined) this.confirmed(c);
      else this.refused(c, why);
    }
    return channels;
  }

  /** Drops every socket as if the network had (they reconnect and resubscribe). */
  reconnectAll(reason: string): void {
    for (const m of this.members) m.socket.reconnect(reason);
  }

  close(): void {
    for (const m of this.members) m.close();
    this.members.length = 0;
    this.owner.clear();
    this.unanswered.clear();
  }

  private spawn(): Member {
    const m = new Member(this.nextId++, this.options);
    this.members.push(m);
    return m;
  }
}

function clearRetry(timer: NodeJS.Timeout | undefined): undefined {
  if (timer !== undefined) clearTimeout(timer);
  return undefined;
}
