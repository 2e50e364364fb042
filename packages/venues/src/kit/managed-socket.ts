/**
 * @module kit/managed-socket
 * One venue WebSocket kept alive for as long as someone wants it:
 *  - `start` connects (after the optional `beforeConnect` gate — a venue's connection-rate budget) and reconnects
 *    with exponential back-off whenever the socket is lost, until `stop`;
 *  - every (re)open calls `onOpen`, where the owner logs in and subscribes again; every loss calls `onDown`
 *    exactly once per outage;
 *  - application pings (`pingFrame`, e.g. OKX's "ping" text or Bitfinex's `{"event":"ping"}`) go out every
 *    `pingIntervalMs`; any frame counts as liveness, and a socket silent for `idleTimeoutMs` is terminated and
 *    replaced;
 *  - `rotate` (and `maxAgeMs`, for venues that cut connections at an age such as Binance's 24 h) replaces the
 *    connection make-before-break: the replacement opens first, then becomes the socket (`onOpen` again) and the old
 *    one closes without an `onDown`, so the feed never goes down. Until the swap only the old socket's frames count.
 *  - `url` may be a function, read at every connection attempt (venues that name the streams in the URL).
 */
import WebSocket from 'ws';
import { errorText } from './venue-error.ts';

export interface Backoff {
  min: number;
  max: number;
}

/** Delay before reconnect attempt `attempt` (0-based): min·2^attempt, capped at max. */
export function backoffDelay(attempt: number, backoff: Backoff): number {
  return Math.min(backoff.max, backoff.min * 2 ** Math.min(attempt, 20));
}

export interface ManagedSocketOptions {
  /** For logs: e.g. 'OKX public'. */
  name: string;
  url: string | (() => string);
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  reconnectDelayMs?: Backoff;
  idleTimeoutMs?: number;
  pingIntervalMs?: number;
  pingFrame?: string;
  /** The connection is rotated (see `rotate`) when it is this old. */
  maxAgeMs?: number;
  /** Resolves when a connection attempt may be made (a connection-rate budget); rejects to retry later. */
  beforeConnect?(): Promise<unknown>;
  onOpen(socket: ManagedSocket): void;
  onMessage(text: string): void;
  /** The socket was lost (not by `stop`); called once per outage. */
  onDown?(reason: string): void;
}

export class ManagedSocket {
  private ws: WebSocket | undefined;
  /** A replacement being opened by `rotate`. */
  private next: WebSocket | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  private rotateTimer: NodeJS.Timeout | undefined;
  private wanted = false;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private down = false;
  private connecting = false;

  constructor(private readonly options: ManagedSocketOptions) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  get isWanted(): boolean {
    return this.wanted;
  }

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.connect();
  }

  stop(): void {
    this.wanted = false;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.rotateTimer);
    this.reconnectTimer = undefined;
    this.rotateTimer = undefined;
    const next = this.next;
    this.next = undefined;
    if (next) discard(next);
    this.dispose();
  }

  /** Sends a frame (objects as JSON); false when the socket is not open. */
  send(frame: unknown): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    return true;
  }

  /** Drops the current connection as if the network had (the owner reconnects and resubscribes). */
  reconnect(reason: string): void {
    if (!this.ws) return;
    this.options.log.warn({ socket: this.options.name, reason }, 'reconnecting venue socket');
    this.ws.terminate();
  }

  /**
   * Replaces the open connection make-before-break (a venue announced a shutdown, or the age limit is near). A
   * replacement that fails to open leaves the current one in place and is tried again later.
   */
  rotate(reason: string): void {
    if (!this.wanted || !this.isOpen || this.next) return;
    this.options.log.info({ socket: this.options.name, reason }, 'replacing venue socket');
    const next = new WebSocket(this.url(), { handshakeTimeout: 10_000 });
    this.next = next;
    next.on('error', (err) => this.options.log.warn({ socket: this.options.name, err: err.message }, 'venue socket replacement error'));
    next.once('open', () => {
      if (this.next !== next) return;
      this.next = undefined;
      next.removeAllListeners();
      // The old socket goes quietly: its close must not count as an outage.
      const old = this.ws;
      this.ws = undefined;
      this.clearTimers();
      if (old) discard(old);
      this.adopt(next);
      this.opened();
    });
    next.once('close', () => {
      if (this.next !== next) return;
      this.next = undefined;
      if (!this.wanted) return;
      if (!this.ws) {
        // The old socket was lost meanwhile: an ordinary reconnect.
        this.scheduleReconnect();
        return;
      }
      // The current socket still feeds; try again a little later.
      const retry = backoffDelay(2, this.options.reconnectDelayMs ?? { min: 250, max: 30_000 });
      this.rotateTimer = setTimeout(() => {
        this.rotateTimer = undefined;
        this.rotate(`${reason} (retry)`);
      }, retry);
      this.rotateTimer.unref?.();
    });
  }

  private url(): string {
    return typeof this.options.url === 'function' ? this.options.url() : this.options.url;
  }

  private connect(): void {
    if (!this.wanted || this.ws || this.connecting) return;
    this.connecting = true;
    const gate = this.options.beforeConnect ? this.options.beforeConnect() : Promise.resolve();
    gate.then(
      () => {
        this.connecting = false;
        if (this.wanted && !this.ws) this.open();
      },
      (err: unknown) => {
        this.connecting = false;
        this.options.log.warn({ socket: this.options.name, err: errorText(err) }, 'venue socket connection deferred');
        this.scheduleReconnect();
      },
    );
  }

  private open(): void {
    const ws = new WebSocket(this.url(), { handshakeTimeout: 10_000 });
    this.adopt(ws);
    ws.on('open', () => {
      if (this.ws === ws) this.opened();
    });
  }

  /** Makes `ws` the socket: its frames count, its loss is an outage. */
  private adopt(ws: WebSocket): void {
    this.ws = ws;
    ws.on('message', (raw) => {
      if (this.ws !== ws) return;
      this.touch();
      this.options.onMessage(String(raw));
    });
    ws.on('ping', () => this.touch());
    ws.on('pong', () => this.touch());
    ws.on('error', (err) => this.options.log.warn({ socket: this.options.name, err: err.message }, 'venue socket error'));
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.clearTimers();
      if (!this.wanted) return;
      if (!this.down) {
        this.down = true;
        this.options.onDown?.(`socket closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
      }
      // A replacement on its way becomes the socket when it opens.
      if (!this.next) this.scheduleReconnect();
    });
  }

  /** The socket is open: timers, then the owner's greeting. */
  private opened(): void {
    this.attempts = 0;
    this.down = false;
    this.touch();
    if (this.options.pingIntervalMs && this.options.pingFrame) {
      const frame = this.options.pingFrame;
      this.pingTimer = setInterval(() => this.send(frame), this.options.pingIntervalMs);
      this.pingTimer.unref?.();
    }
    if (this.options.maxAgeMs !== undefined) {
      this.ageTimer = setTimeout(() => this.rotate('connection age limit'), this.options.maxAgeMs);
      this.ageTimer.unref?.();
    }
    try {
      this.options.onOpen(this);
    } catch (err) {
      this.options.log.warn({ socket: this.options.name, err: errorText(err) }, 'venue socket open handler failed');
    }
  }

  private scheduleReconnect(): void {
    if (!this.wanted || this.reconnectTimer) return;
    const delay = backoffDelay(this.attempts++, this.options.reconnectDelayMs ?? { min: 250, max: 30_000 });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    const ws = this.ws;
    this.idleTimer = setTimeout(() => {
      this.options.log.warn({ socket: this.options.name }, 'venue socket silent too long; reconnecting');
      ws?.terminate();
    }, this.options.idleTimeoutMs ?? 60_000);
    this.idleTimer.unref?.();
  }

  private clearTimers(): void {
    clearTimeout(this.idleTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.ageTimer);
    this.idleTimer = undefined;
    this.pingTimer = undefined;
    this.ageTimer = undefined;
  }

  private dispose(): void {
    this.clearTimers();
    const ws = this.ws;
    this.ws = undefined;
    if (ws) discard(ws);
  }
}

/** Closes a socket nobody listens to any more. */
function discard(ws: WebSocket): void {
  ws.removeAllListeners('message');
  ws.on('error', () => undefined);
  if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  else ws.close(1000);
}
