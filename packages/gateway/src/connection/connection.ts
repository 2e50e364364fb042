/**
 * @module connection/connection
 * One WebSocket connection: its state, its subscriptions, writing with a bounded queue, closing with Centrifugo's
 * disconnect signalling, and the periodic checks (ping, pong, expiry, staleness) run by the node's shared
 * housekeeping tick. Commands are handled in ./dispatch.ts.
 *
 * Memory matters here (one per connection): no timers, no per-message closures, subscriptions map created lazily.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { jsonCodec, type Codec, type RawJson, type Reply } from '@cadenza/protocol';
import type { Core } from '../core.ts';
import { Disconnect } from '../errors.ts';
import type { ClientIdentity, ClientRef } from '../hooks.ts';
import type { Subscription } from '../subscription.ts';
import { onFrame } from './dispatch.ts';

export type ConnectionState = 'connecting' | 'connected' | 'closed';

const SEND_TEXT = { binary: false, compress: false } as const;
const SEND_BINARY = { binary: true, compress: false } as const;
const ANONYMOUS: ClientIdentity = Object.freeze({ userId: '' });

/** How long a closing socket may take to finish its close handshake before it is destroyed. */
const CLOSE_GRACE_MS = 3_000;

export class Connection implements ClientRef {
  readonly transport = 'websocket' as const;
  state: ConnectionState = 'connecting';
  identity: ClientIdentity = ANONYMOUS;
  /** `identity.info` serialised once, for presence, join/leave and publication info. */
  connInfo: RawJson | undefined;
  /** channel → subscription (created on first subscribe). */
  subs: Map<string, Subscription> | undefined;
  /** Subscriptions with an expiry, so housekeeping can skip the rest. */
  expiringSubs = 0;
  /** Upgrade request headers, kept only until connect. */
  headers: Record<string, string | undefined> | undefined;
  readonly createdAt: number;
  connectedAt = 0;
  /** Next server ping (unix ms); 0 = none scheduled. */
  nextPingAt = 0;
  /** Deadline for the pong of the last ping; 0 = no ping outstanding. */
  pongDeadline = 0;
  closingAt = 0;
  /** Command rate limiting (token bucket). */
  tokens: number;
  tokensAt: number;
  /** Commands that arrived while connect was in progress, handled after it. */
  pending: import('@cadenza/protocol').Command[] | undefined;
  /** Replies waiting for the end of the event-loop turn (see writeReplies). */
  outbox: Reply[] | undefined;
  /** Ordered chain for subscribe / unsubscribe / refresh commands. */
  serial: Promise<void> | undefined;

  constructor(
    readonly core: Core,
    readonly ws: WebSocket,
    readonly codec: Codec,
    readonly clientId: string,
    headers: Record<string, string | undefined>,
    /** The raw socket under `ws`, for writing pre-built frames (fan-out). */
    readonly socket: Duplex,
  ) {
    this.headers = headers;
    this.createdAt = core.now();
    this.tokens = core.limits.commandsPerSecond;
    this.tokensAt = this.createdAt;
  }

  get protocol(): 'json' | 'protobuf' {
    return this.codec === jsonCodec ? 'json' : 'protobuf';
  }

  /** Handles one incoming WebSocket message. */
  receive(data: Buffer): void {
    if (this.state === 'closed') return;
    this.core.messagesIn++;
    onFrame(this, data);
  }

  /** Writes one frame unless the connection's write queue is over its limit, in which case it is cut (3008). */
  writeFrame(frame: Buffer): void {
    if (this.state === 'closed') return;
    if (this.outbox) this.flush();
    if (this.ws.bufferedAmount > this.core.limits.writeQueueBytes) {
      this.close(Disconnect.slow());
      return;
    }
    this.core.messagesOut++;
    this.ws.send(frame, this.codec.binary ? SEND_BINARY : SEND_TEXT);
  }

  /**
   * Writes a complete WebSocket frame (see transport/ws-frame.ts) straight to the socket: the fan-out path, where one
   * frame is shared by every subscriber. Ordering with `ws.send` holds: without compression ws writes synchronously.
   */
  writeWsFrame(frame: Buffer): void {
    if (this.state === 'closed') return;
    if (this.outbox) this.flush();
    if (this.ws.bufferedAmount > this.core.limits.writeQueueBytes) {
      this.close(Disconnect.slow());
      return;
    }
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.core.messagesOut++;
    this.socket.write(frame);
  }

  /**
   * Queues replies and pushes; everything queued during one turn of the event loop leaves in one frame (fewer
   * syscalls when many calls complete together). Any direct write flushes the queue first, so order is kept.
   */
  writeReplies(replies: Reply[]): void {
    if (this.state === 'closed' || replies.length === 0) return;
    if (this.outbox) {
      for (const r of replies) this.outbox.push(r);
      return;
    }
    this.outbox = replies.slice();
    this.core.scheduleFlush(this);
  }

  /** Writes the queued replies now (called at the end of the event-loop turn, or before a direct write). */
  flush(): void {
    const out = this.outbox;
    if (!out) return;
    this.outbox = undefined;
    if (this.state !== 'closed') this.writeFrame(this.codec.encodeReplies(out));
  }

  /**
   * Closes the connection: a `disconnect` push (except for 3000), then a WebSocket close with the same code and
   * reason. Releases subscriptions and presence. Idempotent.
   */
  close(d: Disconnect): void {
    if (this.state === 'closed') return;
    // Replies still queued go out first, in the same frame as the disconnect push.
    const last: Reply[] = this.outbox ?? [];
    this.outbox = undefined;
    if (d.code !== 3000) last.push({ push: { disconnect: { code: d.code, reason: d.reason } } });
    if (last.length > 0 && this.ws.readyState === this.ws.OPEN) {
      try {
        this.ws.send(this.codec.encodeReplies(last), this.codec.binary ? SEND_BINARY : SEND_TEXT);
      } catch {
        // the socket is going away anyway
      }
    }
    this.state = 'closed';
    this.closingAt = this.core.now();
    try {
      this.ws.close(d.code, d.reason);
    } catch {
      this.ws.terminate();
    }
    void this.core.releaseClient(this, d);
  }

  /** The socket is gone (closed by either side, or failed). */
  socketClosed(): void {
    this.core.hub.sockets.delete(this);
    if (this.state === 'closed') return;
    this.state = 'closed';
    void this.core.releaseClient(this, Disconnect.connectionClosed());
  }

  /** Whole seconds left until `expireAt` (unix s), rounded down so the client refreshes before the deadline. */
  ttlUntil(expireAt: number): number {
    return Math.max(1, Math.floor((expireAt * 1000 - this.core.now()) / 1000));
  }

  /** Takes one command token; false when the connection is over its command rate. */
  takeToken(now: number): boolean {
    const rate = this.core.limits.commandsPerSecond;
    if (rate <= 0) return true;
    const refill = ((now - this.tokensAt) / 1000) * rate;
    if (refill > 0) {
      this.tokens = Math.min(rate, this.tokens + refill);
      this.tokensAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Periodic checks, called by the node's shared tick. */
  housekeep(now: number): void {
    const core = this.core;
    if (this.state === 'closed') {
      // A peer that does not complete the close handshake (or stopped reading) is cut off.
      if (now - this.closingAt > CLOSE_GRACE_MS) {
        this.ws.terminate();
        core.hub.sockets.delete(this);
      }
      return;
    }
    if (this.state === 'connecting') {
      if (now - this.createdAt > core.staleCloseDelayMs) this.close(Disconnect.stale());
      return;
    }
    if (this.pongDeadline > 0 && now > this.pongDeadline) {
      this.close(Disconnect.noPong());
      return;
    }
    const expireAt = this.identity.expireAt ?? 0;
    if (expireAt > 0 && now > expireAt * 1000 + core.expiryGraceMs) {
      this.close(Disconnect.expired());
      return;
    }
    if (this.expiringSubs > 0 && this.subs) {
      for (const sub of this.subs.values()) {
        if (sub.expireAt > 0 && now > sub.expireAt * 1000 + core.expiryGraceMs) {
          this.close(Disconnect.subExpired());
          return;
        }
      }
    }
    if (this.nextPingAt > 0 && now >= this.nextPingAt) {
      this.nextPingAt = now + core.pingIntervalMs;
      if (this.pongDeadline === 0 && core.pongTimeoutMs > 0) this.pongDeadline = now + core.pongTimeoutMs;
      this.writeFrame(this.codec.pingFrame);
    }
  }
}
