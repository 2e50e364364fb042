/**
 * @module connection/connection
 * One WebSocket connection: its state and identity, its subscriptions, writing with a bounded queue, closing with
 * Centrifugo's disconnect signalling, the order in which its commands run, and the periodic checks (ping, pong,
 * expiry, staleness) run by the node's shared housekeeping tick. Commands are handled in ./dispatch.ts; the node is
 * reached only through `ConnectionHost`, the hub sees it only as a `HubMember`.
 *
 * Memory matters here (one per connection): no timers, no per-message closures, maps created on first use.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { jsonCodec, RawJson, type ClientInfo, type Codec, type Command, type Reply } from '@cadenza/protocol';
import { Disconnect } from '../errors.ts';
import type { ClientIdentity, ClientRef } from '../hooks.ts';
import type { HubMember } from '../hub.ts';
import type { Subscription } from '../subscription.ts';
import type { SharedFrame } from '../transport/ws-frame.ts';
import type { ConnectionHost } from './host.ts';
import { encodedBytes, frameOf, type FrameCache, type Outgoing } from './outgoing.ts';
import { ConnectionSubscriptions } from './subscriptions.ts';

export type ConnectionState = 'connecting' | 'connected' | 'closed';

const ANONYMOUS: ClientIdentity = Object.freeze({ userId: '' });

/** How long a closing socket may take to finish its close handshake before it is destroyed. */
const CLOSE_GRACE_MS = 3_000;

export class Connection implements ClientRef, HubMember {
  readonly transport = 'websocket' as const;
  readonly subscriptions = new ConnectionSubscriptions();
  readonly createdAt: number;
  #state: ConnectionState = 'connecting';
  #identity: ClientIdentity = ANONYMOUS;
  /** `identity.info` serialised once, for presence, join/leave and publication info. */
  #connInfo: RawJson | undefined;
  /** Upgrade request headers, kept only until connect. */
  #headers: Record<string, string | undefined> | undefined;
  #connectedAt = 0;
  /** Next server ping (unix ms); 0 = none scheduled. */
  #nextPingAt = 0;
  /** Deadline for the pong of the last ping; 0 = no ping outstanding. */
  #pongDeadline = 0;
  #closingAt = 0;
  /** Command rate limiting (token bucket). */
  #tokens: number;
  #tokensAt: number;
  /** Commands that arrived while connect was in progress, handled after it. */
  #held: Command[] | undefined;
  /** Ordered chain for subscribe / unsubscribe / refresh commands. */
  #serial: Promise<void> | undefined;
  /** What waits for the end of the event-loop turn (see ./outgoing.ts). */
  #queue: Outgoing[] | undefined;
  /** Bytes of the queue already encoded (shared pushes, pings). */
  #queuedBytes = 0;
  readonly #ws: WebSocket;
  readonly #socket: Duplex;

  constructor(
    readonly host: ConnectionHost<Connection>,
    readonly codec: Codec,
    readonly clientId: string,
    /** The client's address (the per-IP cap's key; '' when the cap is off). */
    readonly address: string,
    headers: Record<string, string | undefined>,
    ws: WebSocket,
    /** The raw socket under `ws`, for writing pre-built frames (fan-out). */
    socket: Duplex,
  ) {
    this.#ws = ws;
    this.#socket = socket;
    this.#headers = headers;
    this.createdAt = host.now();
    this.#tokens = host.settings.limits.commandsPerSecond;
    this.#tokensAt = this.createdAt;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  get identity(): ClientIdentity {
    return this.#identity;
  }

  get protocol(): 'json' | 'protobuf' {
    return this.codec === jsonCodec ? 'json' : 'protobuf';
  }

  get binary(): boolean {
    return this.codec.binary;
  }

  /** The upgrade request's headers (until connect completes). */
  get headers(): Record<string, string | undefined> {
    return this.#headers ?? {};
  }

  /** Whether the connection ever completed connect. */
  get wasConnected(): boolean {
    return this.#connectedAt > 0;
  }

  /** Who the client is, as the application said at connect (before the connection counts as connected). */
  identify(identity: ClientIdentity): void {
    this.#identity = identity;
    this.#connInfo = identity.info === undefined ? undefined : RawJson.of(identity.info);
  }

  /** Connect succeeded: the connection is live and pings start. */
  markConnected(): void {
    const s = this.host.settings;
    this.#state = 'connected';
    this.#headers = undefined;
    this.#connectedAt = this.host.now();
    // The first ping comes between half an interval and a full one, spreading pings of clients that connect together.
    if (s.pingIntervalMs > 0) this.#nextPingAt = this.#connectedAt + Math.floor(s.pingIntervalMs * (0.5 + Math.random() / 2));
  }

  /** A refresh replaced the credentials' expiry (and, when given, the connection info). */
  refreshIdentity(expireAt: number, info: unknown, meta?: Record<string, unknown>): void {
    this.#identity = { ...this.#identity, expireAt };
    if (meta !== undefined) this.#identity.meta = meta;
    if (info !== undefined) {
      this.#identity.info = info;
      this.#connInfo = RawJson.of(info);
    }
  }

  /** The connection as others see it in presence, join/leave and client publications. */
  clientInfo(sub?: Subscription): ClientInfo {
    const info: ClientInfo = { user: this.#identity.userId, client: this.clientId };
    if (this.#connInfo) info.conn_info = this.#connInfo;
    if (sub?.chanInfo) info.chan_info = sub.chanInfo;
    return info;
  }

  /** Whole seconds left until `expireAt` (unix s), rounded down so the client refreshes before the deadline. */
  ttlUntil(expireAt: number): number {
    return Math.max(1, Math.floor((expireAt * 1000 - this.host.now()) / 1000));
  }

  // ------------------------------------------------------------ command order and rate

  /** From now until `releaseHeld`, incoming commands wait (connect is in progress). */
  holdCommands(): void {
    this.#held = [];
  }

  /** Keeps the command for later when commands are held; false when they are not. */
  hold(cmd: Command): boolean {
    if (!this.#held) return false;
    this.#held.push(cmd);
    return true;
  }

  releaseHeld(): Command[] {
    const held = this.#held ?? [];
    this.#held = undefined;
    return held;
  }

  /** Runs `work` after every earlier `inOrder` work of this connection has finished. */
  inOrder(work: () => Promise<void>): void {
    const next: Promise<void> = (this.#serial ?? Promise.resolve()).then(work);
    this.#serial = next;
    void next.then(() => {
      if (this.#serial === next) this.#serial = undefined;
    });
  }

  /** Takes one command token; false when the connection is over its command rate. */
  takeToken(now: number): boolean {
    const rate = this.host.settings.limits.commandsPerSecond;
    if (rate <= 0) return true;
    const refill = ((now - this.#tokensAt) / 1000) * rate;
    if (refill > 0) {
      this.#tokens = Math.min(rate, this.#tokens + refill);
      this.#tokensAt = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** An empty command: the pong to an outstanding ping (true), or a protocol violation (false). */
  pongReceived(): boolean {
    if (this.#state !== 'connected' || this.#pongDeadline === 0) return false;
    this.#pongDeadline = 0;
    return true;
  }

  // ------------------------------------------------------------ writing

  /** Queues replies and pushes; they leave with everything else queued this turn (see ./outgoing.ts). */
  send(replies: Reply[]): void {
    if (this.#state === 'closed') return;
    for (const r of replies) this.#enqueue(r);
  }

  /** Queues a push shared with other receivers (fan-out: encoded once for all). */
  sendShared(frame: SharedFrame): void {
    if (this.#state === 'closed') return;
    this.#enqueue(frame);
  }

  /**
   * Queues one message. The first one of a turn asks the node to flush at the end of it. What the socket has not
   * taken yet plus what is queued may not pass `writeQueueBytes`: a client that stops reading is cut (3008), never
   * buffered without bound.
   */
  #enqueue(item: Outgoing): void {
    if (this.#queue) this.#queue.push(item);
    else {
      this.#queue = [item];
      this.host.flushAtEndOfTurn(this);
    }
    const bytes = encodedBytes(item);
    if (bytes === 0) return;
    this.#queuedBytes += bytes;
    if (this.#ws.bufferedAmount + this.#queuedBytes > this.host.settings.limits.writeQueueBytes) this.close(Disconnect.slow());
  }

  /** Writes everything queued as one frame (at the end of the event-loop turn); `cache` shares joined broadcast frames. */
  flush(cache?: FrameCache): void {
    const queue = this.#queue;
    if (!queue) return;
    this.#queue = undefined;
    this.#queuedBytes = 0;
    if (this.#state === 'closed' || this.#ws.readyState !== this.#ws.OPEN) return;
    if (this.#ws.bufferedAmount > this.host.settings.limits.writeQueueBytes) {
      this.close(Disconnect.slow());
      return;
    }
    this.host.countOut(queue.length);
    // Without compression ws writes its own frames (pongs, the close) straight to the socket too, so order holds.
    this.#socket.write(frameOf(queue, this.codec, cache));
  }

  // ------------------------------------------------------------ closing

  /**
   * Closes the connection: a `disconnect` push (except for 3000), then a WebSocket close with the same code and
   * reason. Releases subscriptions and presence. Idempotent.
   */
  close(d: Disconnect): void {
    if (this.#state === 'closed') return;
    // What is still queued goes out first, in the same frame as the disconnect push.
    const last: Outgoing[] = this.#queue ?? [];
    this.#queue = undefined;
    this.#queuedBytes = 0;
    if (d.code !== 3000) last.push({ push: { disconnect: { code: d.code, reason: d.reason } } });
    if (last.length > 0 && this.#ws.readyState === this.#ws.OPEN) {
      try {
        this.#socket.write(frameOf(last, this.codec));
      } catch {
        // the socket is going away anyway
      }
    }
    this.#state = 'closed';
    this.#closingAt = this.host.now();
    try {
      this.#ws.close(d.code, d.reason);
    } catch {
      this.#ws.terminate();
    }
    this.host.released(this, d);
  }

  /** The socket is gone (closed by either side, or failed). */
  onSocketClose(): void {
    this.host.socketGone(this);
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.host.released(this, Disconnect.connectionClosed());
  }

  /** Whether the socket finished closing. */
  get socketClosed(): boolean {
    return this.#ws.readyState === this.#ws.CLOSED;
  }

  /** Destroys the socket without a close handshake. */
  terminate(): void {
    this.#ws.terminate();
  }

  // ------------------------------------------------------------ housekeeping

  /** Periodic checks, called by the node's shared tick. */
  housekeep(now: number): void {
    const s = this.host.settings;
    if (this.#state === 'closed') {
      // A peer that does not complete the close handshake (or stopped reading) is cut off.
      if (now - this.#closingAt > CLOSE_GRACE_MS) {
        this.#ws.terminate();
        this.host.socketGone(this);
      }
      return;
    }
    if (this.#state === 'connecting') {
      if (now - this.createdAt > s.staleCloseDelayMs) this.close(Disconnect.stale());
      return;
    }
    if (this.#pongDeadline > 0 && now > this.#pongDeadline) {
      this.close(Disconnect.noPong());
      return;
    }
    const expireAt = this.#identity.expireAt ?? 0;
    if (expireAt > 0 && now > expireAt * 1000 + s.expiryGraceMs) {
      this.close(Disconnect.expired());
      return;
    }
    if (this.subscriptions.anyExpired(now, s.expiryGraceMs)) {
      this.close(Disconnect.subExpired());
      return;
    }
    if (this.#nextPingAt > 0 && now >= this.#nextPingAt) {
      this.#nextPingAt = now + s.pingIntervalMs;
      if (this.#pongDeadline === 0 && s.pongTimeoutMs > 0) this.#pongDeadline = now + s.pongTimeoutMs;
      this.#enqueue(this.codec.pingFrame);
    }
  }
}
