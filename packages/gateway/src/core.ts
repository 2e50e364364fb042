/**
 * @module core
 * The node's shared state and the operations every connection uses: channel rules, the hub, the broker and presence
 * ports, fan-out of publications and join/leave, adding and removing subscriptions. GatewayNode is its public face;
 * connections (client/*) call into it.
 */
import { randomUUID } from 'node:crypto';
import { jsonCodec, protobufCodec, RawJson, type ClientInfo, type Publication, type Reply } from '@cadenza/protocol';
import type { Broker, BrokerEventHandler, BrokerPublication, StreamPosition } from './broker/broker.ts';
import { MemoryBroker } from './broker/memory.ts';
import { ChannelRules } from './channel-rules.ts';
import type { Connection } from './connection/connection.ts';
import { Disconnect } from './errors.ts';
import type { GatewayHandlers } from './hooks.ts';
import { Hub } from './hub.ts';
import { resolveLimits, silentLogger, type GatewayLogger, type GatewayOptions, type ResolvedLimits } from './options.ts';
import { MemoryPresenceManager } from './presence/memory.ts';
import type { PresenceManager } from './presence/presence.ts';
import { SubFlag, type Subscription } from './subscription.ts';
import { encodeServerFrame } from './transport/ws-frame.ts';

/** A publication as both codecs put it in a push. */
export function toWirePublication(pub: BrokerPublication): Publication {
  const out: Publication = { data: pub.data };
  if (pub.info) out.info = pub.info;
  if (pub.offset > 0) out.offset = pub.offset;
  if (pub.tags) out.tags = pub.tags;
  return out;
}

/** Counters for /metrics. */
export interface GatewayStats {
  /** Connections that completed connect. */
  connections: number;
  /** Open sockets, including those not connected yet. */
  sockets: number;
  subscriptions: number;
  channels: number;
  users: number;
  messagesIn: number;
  messagesOut: number;
  /** Positioned subscriptions told 2500 insufficient state (publications lost on the way to this node). */
  positionLosses: number;
}

export class Core implements BrokerEventHandler {
  readonly hub = new Hub();
  readonly rules: ChannelRules;
  readonly limits: ResolvedLimits;
  readonly handlers: GatewayHandlers;
  readonly log: GatewayLogger;
  readonly broker: Broker;
  readonly presence: PresenceManager;
  readonly version: string;
  readonly now: () => number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly expiryGraceMs: number;
  readonly staleCloseDelayMs: number;
  readonly positionCheckMs: number;
  readonly nodeId = randomUUID();
  messagesIn = 0;
  messagesOut = 0;
  /** Positioned subscriptions sent to recover because publications never reached this node. */
  positionLosses = 0;
  closing = false;
  /** Broker subscribes in flight, by channel (see addSubscriber). */
  readonly #brokerSubscribing = new Map<string, Promise<void>>();
  /** Clients with queued replies, flushed once per event-loop turn. */
  #dirty: Connection[] = [];
  #flushScheduled = false;
  readonly #flushAll = (): void => {
    const dirty = this.#dirty;
    this.#dirty = [];
    this.#flushScheduled = false;
    for (const c of dirty) c.flush();
  };

  constructor(o: GatewayOptions) {
    this.limits = resolveLimits(o.limits);
    this.rules = new ChannelRules({
      namespaces: o.namespaces,
      withoutNamespace: o.withoutNamespace,
      rejectUnknownNamespaces: o.rejectUnknownNamespaces,
      maxChannelLength: this.limits.maxChannelLength,
    });
    this.handlers = o.handlers;
    this.log = o.log ?? silentLogger;
    this.now = o.now ?? Date.now;
    this.broker = o.broker ?? new MemoryBroker({ now: this.now });
    this.presence = o.presence ?? new MemoryPresenceManager();
    this.version = o.version ?? '0.0.0';
    this.pingIntervalMs = o.pingIntervalMs ?? 25_000;
    this.pongTimeoutMs = o.pongTimeoutMs ?? 8_000;
    if (this.pingIntervalMs > 0 && this.pingIntervalMs % 1000 !== 0) throw new Error('pingIntervalMs must be whole seconds');
    if (this.pingIntervalMs > 0 && this.pongTimeoutMs >= this.pingIntervalMs) throw new Error('pongTimeoutMs must be below pingIntervalMs');
    this.expiryGraceMs = o.clientExpiryGraceMs ?? 25_000;
    this.staleCloseDelayMs = o.staleCloseDelayMs ?? 10_000;
    this.positionCheckMs = o.positionCheckMs ?? 40_000;
  }

  scheduleFlush(client: Connection): void {
    this.#dirty.push(client);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushAll);
    }
  }

  stats(): GatewayStats {
    return {
      connections: this.hub.connected,
      sockets: this.hub.sockets.size,
      subscriptions: this.hub.subscriptions,
      channels: this.hub.channels.size,
      users: this.hub.users.size,
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
      positionLosses: this.positionLosses,
    };
  }

  // ------------------------------------------------------------ delivery (BrokerEventHandler)

  /**
   * Fan-out: each publication is encoded once per protocol into a complete WebSocket frame, and that same buffer is
   * written to every subscriber's socket (no per-subscriber encoding, framing or copying).
   */
  onPublication(channel: string, pub: BrokerPublication): void {
    const subs = this.hub.channels.get(channel);
    if (!subs) return;
    let json: Buffer | undefined;
    let proto: Buffer | undefined;
    let reply: Reply | undefined;
    let behind: Connection[] | undefined;
    for (const [client, sub] of subs) {
      if (sub.buffer) {
        sub.buffer.push(pub);
        continue;
      }
      if (pub.offset > 0 && (sub.flags & SubFlag.positioned) !== 0) {
        if (pub.epoch && sub.epoch && pub.epoch !== sub.epoch) {
          // The stream was reset (storage lost): the client's position means nothing any more.
          (behind ??= []).push(client);
          continue;
        }
        if (sub.offset > 0 && pub.offset !== sub.offset + 1) {
          // Already delivered (a repeat): skip. Skipped ahead: publications were lost on the way to this node.
          if (pub.offset > sub.offset) (behind ??= []).push(client);
          continue;
        }
        sub.offset = pub.offset;
        if (pub.epoch) sub.epoch = pub.epoch;
      }
      if (client.codec === jsonCodec) {
        json ??= encodeServerFrame(jsonCodec.encodeReplies([(reply ??= { push: { channel, pub: toWirePublication(pub) } })]), false);
        client.writeWsFrame(json);
      } else {
        proto ??= encodeServerFrame(protobufCodec.encodeReplies([(reply ??= { push: { channel, pub: toWirePublication(pub) } })]), true);
        client.writeWsFrame(proto);
      }
    }
    if (behind) this.sendToRecover(channel, behind);
  }

  /**
   * Centrifugo's answer to a lost position: unsubscribe 2500 "insufficient state"; the client resubscribes at once
   * with its last offset and gets the missing publications from history (or recovered: false if they are gone).
   * A server-side subscription cannot be resubscribed by the client: the connection gets 3010 instead, and the
   * reconnect recovers its server-side subscriptions.
   */
  sendToRecover(channel: string, clients: Connection[]): void {
    this.positionLosses += clients.length;
    for (const client of clients) {
      const sub = client.subs?.get(channel);
      if (sub && (sub.flags & SubFlag.serverSide) !== 0) {
        client.close(Disconnect.insufficientState());
        continue;
      }
      this.removeSubscription(client, channel, { code: 2500, reason: 'insufficient state' }).catch((err: unknown) => this.log.warn({ err, channel }, 'insufficient state unsubscribe failed'));
    }
  }

  onJoin(channel: string, info: ClientInfo): void {
    this.#pushJoinLeave(channel, { push: { channel, join: { info } } });
  }

  onLeave(channel: string, info: ClientInfo): void {
    this.#pushJoinLeave(channel, { push: { channel, leave: { info } } });
  }

  #pushJoinLeave(channel: string, reply: Reply): void {
    const subs = this.hub.channels.get(channel);
    if (!subs) return;
    let json: Buffer | undefined;
    let proto: Buffer | undefined;
    for (const [client, sub] of subs) {
      if (sub.buffer || (sub.flags & SubFlag.joinLeave) === 0) continue;
      if (client.codec === jsonCodec) client.writeFrame((json ??= jsonCodec.encodeReplies([reply])));
      else client.writeFrame((proto ??= protobufCodec.encodeReplies([reply])));
    }
  }

  // ------------------------------------------------------------ publishing

  /** Publishes serialised data to a channel (history per its namespace). Throws 102/107 for a bad channel. */
  async publish(channel: string, data: RawJson, opts: { info?: ClientInfo; tags?: Record<string, string>; skipHistory?: boolean } = {}): Promise<StreamPosition> {
    const { ns } = this.rules.resolve(channel);
    const history = ns.history && !opts.skipHistory;
    return this.broker.publish(channel, data, {
      historySize: history ? ns.historySize : 0,
      historyTtlSeconds: history ? ns.historyTtlSeconds : 0,
      info: opts.info,
      tags: opts.tags,
    });
  }

  // ------------------------------------------------------------ subscriptions

  clientInfo(client: Connection, sub?: Subscription): ClientInfo {
    const info: ClientInfo = { user: client.identity.userId, client: client.clientId };
    if (client.connInfo) info.conn_info = client.connInfo;
    if (sub?.chanInfo) info.chan_info = sub.chanInfo;
    return info;
  }

  /**
   * Puts a (buffering) subscription into the fan-out list; asks the broker for the channel on first use. Later
   * subscribers wait for that first broker subscribe too: until it is in place (a Redis SUBSCRIBE acknowledged),
   * a history read could miss a publication that live delivery does not bring either.
   */
  async addSubscriber(channel: string, client: Connection, sub: Subscription): Promise<void> {
    if (!this.hub.subscribe(channel, client, sub)) {
      await this.#brokerSubscribing.get(channel);
      return;
    }
    const pending = this.broker.subscribe(channel);
    this.#brokerSubscribing.set(channel, pending);
    try {
      await pending;
    } finally {
      if (this.#brokerSubscribing.get(channel) === pending) this.#brokerSubscribing.delete(channel);
    }
  }

  /**
   * Ends a subscription: fan-out, presence, leave. With `push`, the client is told (unsubscribe push).
   * Safe to call for a channel the client is not (or no longer) subscribed to.
   */
  async removeSubscription(client: Connection, channel: string, push?: { code: number; reason: string }): Promise<void> {
    const sub = client.subs?.get(channel);
    if (!sub) return;
    client.subs!.delete(channel);
    if (sub.expireAt > 0) client.expiringSubs--;
    if (push) client.writeReplies([{ push: { channel, unsubscribe: push } }]);
    const live = sub.buffer === null;
    try {
      if (this.hub.unsubscribe(channel, client)) await this.broker.unsubscribe(channel);
      if (sub.ns.presence) await this.presence.remove(channel, client.clientId);
      if (live && (sub.ns.joinLeave || sub.ns.forcePushJoinLeave)) await this.broker.publishLeave(channel, this.clientInfo(client, sub));
    } catch (err) {
      this.log.warn({ err, channel }, 'unsubscribe cleanup failed');
    }
  }

  /** Releases everything a closed connection held. */
  async releaseClient(client: Connection, reason: Disconnect): Promise<void> {
    const wasConnected = client.connectedAt > 0;
    if (client.subs) for (const channel of [...client.subs.keys()]) await this.removeSubscription(client, channel);
    this.hub.removeUser(client);
    if (wasConnected && this.handlers.onDisconnect) {
      try {
        this.handlers.onDisconnect({ client, code: reason.code, reason: reason.reason });
      } catch (err) {
        this.log.error({ err }, 'onDisconnect handler threw');
      }
    }
  }
}
