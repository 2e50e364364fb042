/**
 * @module binance/ws/stream-client
 * One combined-stream socket (`<base>/stream?streams=a/b/c`) carrying a set of market streams (the pool in
 * stream-pool.ts spreads the venue's streams over as many of these as needed).
 *
 * Promises:
 *  - the socket exists only while at least one stream is wanted; the last `remove` closes it;
 *  - streams added or removed while connected are changed with the JSON `SUBSCRIBE` / `UNSUBSCRIBE` methods,
 *    batched and spaced so the connection stays under Binance's 5 incoming messages per second;
 *  - Binance's pings are answered by `ws` automatically (pong with the same payload); any frame counts as
 *    liveness, and a socket silent for `idleTimeoutMs` is terminated and replaced;
 *  - an unexpected close reports `down` and reconnects with exponential back-off, resubscribing everything;
 *  - before the 24-hour cut (and on a `serverShutdown` event) a replacement socket is opened first and the old
 *    one closed once the new one is up, so the feed does not go down; consumers must tolerate the seam
 *    (the depth synchroniser does: overlapping events are stale, missing ones are a gap).
 */
import WebSocket from 'ws';
import { parseStreamMessage } from './parse.ts';
import type { WireObject } from '../wire.ts';

export interface StreamClientOptions {
  /** Market stream base, e.g. wss://stream.binance.com:9443. */
  baseUrl: string;
  onData(stream: string, data: WireObject): void;
  /** `up` when a socket opens (after a down), `down` when it is lost unexpectedly. */
  onStatus(status: 'up' | 'down', reason: string): void;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  maxConnectionAgeMs?: number;
  idleTimeoutMs?: number;
  reconnectDelayMs?: { min: number; max: number };
  /** Minimum spacing between control messages. */
  controlIntervalMs?: number;
}

interface Connection {
  socket: WebSocket;
  /** Streams this socket is (or is being) subscribed to. */
  streams: Set<string>;
  open: boolean;
  idleTimer?: NodeJS.Timeout;
  ageTimer?: NodeJS.Timeout;
}

export class BinanceStreamClient {
  private readonly wanted = new Set<string>();
  private current: Connection | undefined;
  private replacing: Connection | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private controlTimer: NodeJS.Timeout | undefined;
  private lastControlAt = 0;
  private attempts = 0;
  private nextId = 1;
  private closed = false;
  private wasDown = false;

  constructor(private readonly options: StreamClientOptions) {}

  /** Streams currently wanted. */
  get streams(): ReadonlySet<string> {
    return this.wanted;
  }

  get connected(): boolean {
    return this.current?.open === true;
  }

  add(streams: readonly string[]): void {
    if (this.closed) return;
    let changed = false;
    for (const s of streams) {
      if (!this.wanted.has(s)) {
        this.wanted.add(s);
        changed = true;
      }
    }
    if (changed) this.reconcile();
  }

  remove(streams: readonly string[]): void {
    let changed = false;
    for (const s of streams) changed = this.wanted.delete(s) || changed;
    if (changed) this.reconcile();
  }

  /** Closes everything for good. */
  close(): void {
    this.closed = true;
    this.wanted.clear();
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.controlTimer);
    for (const c of [this.current, this.replacing]) if (c) this.dispose(c);
    this.current = undefined;
    this.replacing = undefined;
  }

  /** Opens a replacement socket now and retires the current one once it is up (also used by tests). */
  rotate(reason: string): void {
    if (this.closed || this.wanted.size === 0 || this.replacing) return;
    this.options.log.info({ reason }, 'rotating Binance market stream connection');
    this.replacing = this.connect();
  }

  private reconcile(): void {
    if (this.wanted.size === 0) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      for (const c of [this.current, this.replacing]) if (c) this.dispose(c);
      this.current = undefined;
      this.replacing = undefined;
      return;
    }
    if (!this.current && !this.reconnectTimer) {
      this.current = this.connect();
      return;
    }
    this.scheduleControl();
  }

  private connect(): Connection {
    const streams = new Set(this.wanted);
    const url = `${this.options.baseUrl}/stream?streams=${[...streams].join('/')}`;
    const socket = new WebSocket(url, { handshakeTimeout: 10_000 });
    const conn: Connection = { socket, streams, open: false };
    socket.on('open', () => this.onOpen(conn));
    socket.on('message', (raw) => {
      this.touch(conn);
      this.onMessage(conn, String(raw));
    });
    socket.on('ping', () => this.touch(conn));
    socket.on('pong', () => this.touch(conn));
    socket.on('error', (err) => this.options.log.warn({ err: err.message }, 'Binance market stream socket error'));
    socket.on('close', (code, reason) => this.onClose(conn, code, reason.toString()));
    this.touch(conn);
    return conn;
  }

  private onOpen(conn: Connection): void {
    conn.open = true;
    this.attempts = 0;
    conn.ageTimer = setTimeout(() => this.rotate('connection age limit (24 h)'), this.options.maxConnectionAgeMs ?? 23.5 * 3600_000);
    conn.ageTimer.unref?.();
    if (conn === this.replacing) {
      const old = this.current;
      this.current = conn;
      this.replacing = undefined;
      if (old) this.dispose(old);
    }
    if (this.wasDown) {
      this.wasDown = false;
      this.options.onStatus('up', 'connected');
    }
    this.scheduleControl();
  }

  private onMessage(conn: Connection, text: string): void {
    // While a replacement is warming up, the current socket still feeds; once swapped, the old one is gone.
    if (conn !== this.current) return;
    const msg = parseStreamMessage(text);
    switch (msg.kind) {
      case 'data':
        if (msg.data.e === 'serverShutdown') {
          this.rotate('serverShutdown');
          return;
        }
        this.options.onData(msg.stream, msg.data);
        return;
      case 'result':
        return;
      case 'error':
        this.options.log.warn({ code: msg.code, msg: msg.msg, id: msg.id }, 'Binance refused a stream control message');
        return;
      case 'unknown': {
        const raw = msg.raw;
        if (typeof raw === 'object' && raw !== null && (raw as WireObject).e === 'serverShutdown') this.rotate('serverShutdown');
        return;
      }
    }
  }

  private onClose(conn: Connection, code: number, reason: string): void {
    clearTimeout(conn.idleTimer);
    clearTimeout(conn.ageTimer);
    conn.open = false;
    if (conn === this.replacing) {
      // The replacement never came up: keep the current socket and try again shortly.
      this.replacing = undefined;
      const { min } = this.options.reconnectDelayMs ?? { min: 250, max: 30_000 };
      const retry = setTimeout(() => this.rotate('retrying a failed replacement'), min * 4);
      retry.unref?.();
      return;
    }
    if (conn !== this.current) return;
    this.current = undefined;
    if (this.closed || this.wanted.size === 0) return;
    if (!this.wasDown) {
      this.wasDown = true;
      this.options.onStatus('down', `socket closed (${code}${reason ? ` ${reason}` : ''})`);
    }
    if (this.replacing) {
      // The replacement becomes the current connection when it opens.
      this.current = this.replacing;
      this.replacing = undefined;
      return;
    }
    const { min, max } = this.options.reconnectDelayMs ?? { min: 250, max: 30_000 };
    const delay = Math.min(max, min * 2 ** this.attempts);
    this.attempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closed && this.wanted.size > 0 && !this.current) this.current = this.connect();
    }, delay);
  }

  private touch(conn: Connection): void {
    clearTimeout(conn.idleTimer);
    conn.idleTimer = setTimeout(() => {
      this.options.log.warn({}, 'Binance market stream silent too long; reconnecting');
      conn.socket.terminate();
    }, this.options.idleTimeoutMs ?? 70_000);
    conn.idleTimer.unref?.();
  }

  private dispose(conn: Connection): void {
    clearTimeout(conn.idleTimer);
    clearTimeout(conn.ageTimer);
    conn.socket.removeAllListeners('message');
    conn.socket.on('error', () => undefined);
    if (conn.socket.readyState === WebSocket.CONNECTING) conn.socket.terminate();
    else conn.socket.close(1000);
    if (this.current === conn) this.current = undefined;
  }

  /** Sends pending SUBSCRIBE/UNSUBSCRIBE for the open socket, at most one control message per interval. */
  private scheduleControl(): void {
    if (this.controlTimer) return;
    const interval = this.options.controlIntervalMs ?? 250;
    const wait = Math.max(0, this.lastControlAt + interval - performance.now());
    this.controlTimer = setTimeout(() => {
      this.controlTimer = undefined;
      this.flushControl();
    }, wait);
  }

  private flushControl(): void {
    const conn = this.current;
    if (!conn || !conn.open || conn.socket.readyState !== WebSocket.OPEN) return;
    const add = [...this.wanted].filter((s) => !conn.streams.has(s));
    const drop = [...conn.streams].filter((s) => !this.wanted.has(s));
    // One message per flush; the remainder goes out on the next tick of the control timer.
    if (add.length > 0) {
      conn.socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: add, id: this.nextId++ }));
      for (const s of add) conn.streams.add(s);
    } else if (drop.length > 0) {
      conn.socket.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: drop, id: this.nextId++ }));
      for (const s of drop) conn.streams.delete(s);
    } else return;
    this.lastControlAt = performance.now();
    if (add.length > 0 && drop.length > 0) this.scheduleControl();
  }
}
