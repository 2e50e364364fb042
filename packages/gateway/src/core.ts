/**
 * @module core
 * The node's internals behind the narrow view connections get (`ConnectionHost`): resolved settings, the ports, the
 * hub, counters, the end-of-turn flush, admission of connections, and the broker side of subscribing. GatewayNode is
 * the public face; connections never see this class, only the interface it implements.
 */
import type { IncomingMessage } from 'node:http';
import type { RawJson, ClientInfo } from '@cadenza/protocol';
import type { Broker, BrokerPublishOptions, StreamPosition } from './broker/broker.ts';
import { MemoryBroker } from './broker/memory.ts';
import { ChannelRules, type ResolvedNamespace } from './channel-rules.ts';
import type { Connection } from './connection/connection.ts';
import type { ConnectionHost, ConnectionSettings } from './connection/host.ts';
import { FrameCache } from './connection/outgoing.ts';
import { endAllSubscriptions, endSubscription } from './connection/subscribe.ts';
import { Disconnect } from './errors.ts';
import type { GatewayHandlers } from './hooks.ts';
import { Hub } from './hub.ts';
import { resolveLimits, silentLogger, type GatewayLogger, type GatewayOptions } from './options.ts';
import { MemoryPresenceManager } from './presence/memory.ts';
import type { PresenceManager } from './presence/presence.ts';
import { SubFlag, type Subscription } from './subscription.ts';

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
  /** Periodic position checks completed. */
  positionChecks: number;
}

/** Channels whose publish options are kept (see Core#publishOptions). */
const PUBLISH_OPTIONS_KEPT = 4096;

export class Core implements ConnectionHost<Connection> {
  readonly hub: Hub<Connection>;
  readonly settings: ConnectionSettings;
  readonly rules: ChannelRules;
  readonly handlers: GatewayHandlers;
  readonly log: GatewayLogger;
  readonly broker: Broker;
  readonly presence: PresenceManager;
  readonly now: () => number;
  readonly positionCheckMs: number;
  readonly clientAddress: ((req: IncomingMessage) => string) | undefined;
  /** Whether sockets are counted per client address (the per-IP cap is on). */
  readonly countsAddresses: boolean;
  #messagesIn = 0;
  #messagesOut = 0;
  /** Positioned subscriptions sent to recover because publications never reached this node. */
  #positionLosses = 0;
  #positionChecks = 0;
  #closing = false;
  readonly #publishOptionsByChannel = new Map<string, BrokerPublishOptions>();
  readonly #publishOptionsByNamespace = new Map<ResolvedNamespace, BrokerPublishOptions>();
  /** Broker subscribes in flight, by channel (see addSubscriber). */
  readonly #brokerSubscribing = new Map<string, Promise<void>>();
  /** Connections with something queued, flushed once per event-loop turn (see connection/outgoing.ts). */
  #dirty: Connection[] = [];
  #flushScheduled = false;
  readonly #flushAll = (): void => {
    const dirty = this.#dirty;
    this.#dirty = [];
    this.#flushScheduled = false;
    const cache = new FrameCache();
    for (const c of dirty) c.flush(cache);
  };

  constructor(o: GatewayOptions) {
    const limits = resolveLimits(o.limits);
    const pingIntervalMs = o.pingIntervalMs ?? 25_000;
    const pongTimeoutMs = o.pongTimeoutMs ?? 8_000;
    if (pingIntervalMs > 0 && pingIntervalMs % 1000 !== 0) throw new Error('pingIntervalMs must be whole seconds');
    if (pingIntervalMs > 0 && pongTimeoutMs >= pingIntervalMs) throw new Error('pongTimeoutMs must be below pingIntervalMs');
    this.settings = {
      limits,
      version: o.version ?? '0.0.0',
      pingIntervalMs,
      pongTimeoutMs,
      expiryGraceMs: o.clientExpiryGraceMs ?? 25_000,
      staleCloseDelayMs: o.staleCloseDelayMs ?? 10_000,
    };
    this.rules = new ChannelRules({
      namespaces: o.namespaces,
      withoutNamespace: o.withoutNamespace,
      rejectUnknownNamespaces: o.rejectUnknownNamespaces,
      maxChannelLength: limits.maxChannelLength,
    });
    this.handlers = o.handlers;
    this.log = o.log ?? silentLogger;
    this.now = o.now ?? Date.now;
    this.broker = o.broker ?? new MemoryBroker({ now: this.now });
    this.presence = o.presence ?? new MemoryPresenceManager();
    this.positionCheckMs = o.positionCheckMs ?? 40_000;
    this.clientAddress = o.clientAddress;
    this.countsAddresses = limits.maxConnectionsPerIp > 0;
    this.hub = new Hub<Connection>((channel, conns) => this.sendToRecover(channel, conns));
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** From now on new sockets are refused and connects answered 3001 shutdown. */
  beginShutdown(): void {
    this.#closing = true;
  }

  countIn(): void {
    this.#messagesIn++;
  }

  countOut(messages: number): void {
    this.#messagesOut += messages;
  }

  countPositionCheck(): void {
    this.#positionChecks++;
  }

  flushAtEndOfTurn(conn: Connection): void {
    this.#dirty.push(conn);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushAll);
    }
  }

  stats(): GatewayStats {
    const c = this.hub.counts;
    return {
      connections: c.connected,
      sockets: c.sockets,
      subscriptions: c.subscriptions,
      channels: c.channels,
      users: c.users,
      messagesIn: this.#messagesIn,
      messagesOut: this.#messagesOut,
      positionLosses: this.#positionLosses,
      positionChecks: this.#positionChecks,
    };
  }

  /** Publishes serialised data to a channel (history per its namespace). Throws 102/107 for a bad channel. */
  async publish(channel: string, data: RawJson, opts: { info?: ClientInfo; tags?: Record<string, string>; skipHistory?: boolean } = {}): Promise<StreamPosition> {
    if (opts.info === undefined && opts.tags === undefined && !opts.skipHistory) return this.broker.publish(channel, data, this.#publishOptions(channel));
    const { ns } = this.rules.resolve(channel);
    const history = ns.history && !opts.skipHistory;
    return this.broker.publish(channel, data, {
      historySize: history ? ns.historySize : 0,
      historyTtlSeconds: history ? ns.historyTtlSeconds : 0,
      info: opts.info,
      tags: opts.tags,
    });
  }

  /**
   * `publish` for a caller that does not wait (the application's events): on a broker that publishes at once (the
   * memory broker) no promise is made; a bad channel or a failed publish goes to `onError`.
   */
  publishDetached(channel: string, data: RawJson, onError: (err: unknown, channel: string) => void): void {
    try {
      const options = this.#publishOptions(channel);
      if (this.broker.publishNow) this.broker.publishNow(channel, data, options);
      else this.broker.publish(channel, data, options).catch((err: unknown) => onError(err, channel));
    } catch (err) {
      onError(err, channel);
    }
  }

  /**
   * The broker options of a channel's plain publications, by channel: an application publishes to the same few
   * channels again and again, and resolving the name (its namespace, checks, the slices) each time was ~1.7 % of the
   * accept bench's allocation. Only valid names are kept (a bad one throws each time); the rules never change, so an
   * entry never goes stale, and the map is emptied when it grows past `PUBLISH_OPTIONS_KEPT` channels.
   */
  #publishOptions(channel: string): BrokerPublishOptions {
    let options = this.#publishOptionsByChannel.get(channel);
    if (options === undefined) {
      const { ns } = this.rules.resolve(channel);
      options = this.#publishOptionsByNamespace.get(ns);
      if (options === undefined) {
        options = Object.freeze({ historySize: ns.history ? ns.historySize : 0, historyTtlSeconds: ns.history ? ns.historyTtlSeconds : 0 });
        this.#publishOptionsByNamespace.set(ns, options);
      }
      if (this.#publishOptionsByChannel.size >= PUBLISH_OPTIONS_KEPT) this.#publishOptionsByChannel.clear();
      this.#publishOptionsByChannel.set(channel, options);
    }
    return options;
  }

  // ------------------------------------------------------------ connections

  /** A new socket: indexed for housekeeping, or refused (shutdown, too many sockets, too many from its address). */
  acceptSocket(conn: Connection): void {
    const fromAddress = this.hub.addSocket(conn, this.countsAddresses ? conn.address : undefined);
    const { maxConnections: max, maxConnectionsPerIp: perIp } = this.settings.limits;
    // Sockets not yet connected count too, with headroom, so a flood of idle upgrades cannot exhaust the node.
    if (this.#closing) conn.close(Disconnect.shutdown());
    else if (max > 0 && this.hub.counts.sockets > max + Math.max(16, max >> 3)) conn.close(Disconnect.connectionLimit());
    else if (perIp > 0 && fromAddress > perIp) conn.close(Disconnect.connectionLimit());
  }

  admit(conn: Connection): void {
    const { maxConnections: max, maxConnectionsPerUser: perUser } = this.settings.limits;
    const userId = conn.identity.userId;
    if (max > 0 && this.hub.counts.connected >= max) throw Disconnect.connectionLimit();
    if (perUser > 0 && userId !== '' && this.hub.userConnections(userId) >= perUser) throw Disconnect.connectionLimit();
    this.hub.addUser(userId, conn);
  }

  released(conn: Connection, reason: Disconnect): void {
    void this.#release(conn, reason);
  }

  async #release(conn: Connection, reason: Disconnect): Promise<void> {
    await endAllSubscriptions(conn);
    this.hub.removeUser(conn.identity.userId, conn);
    if (conn.wasConnected && this.handlers.onDisconnect) {
      try {
        this.handlers.onDisconnect({ client: conn, code: reason.code, reason: reason.reason });
      } catch (err) {
        this.log.error({ err }, 'onDisconnect handler threw');
      }
    }
  }

  socketGone(conn: Connection): void {
    this.hub.removeSocket(conn, this.countsAddresses ? conn.address : undefined);
  }

  // ------------------------------------------------------------ subscriptions

  addSubscriber(channel: string, conn: Connection, sub: Subscription): Promise<void> | undefined {
    // Later subscribers wait for the first one's broker subscribe too: until it is in place (a Redis SUBSCRIBE
    // acknowledged), a history read could miss a publication that live delivery does not bring either.
    if (!this.hub.subscribe(channel, conn, sub)) return this.#brokerSubscribing.get(channel);
    return this.#subscribeBroker(channel);
  }

  async #subscribeBroker(channel: string): Promise<void> {
    const pending = this.broker.subscribe(channel);
    this.#brokerSubscribing.set(channel, pending);
    try {
      await pending;
    } finally {
      if (this.#brokerSubscribing.get(channel) === pending) this.#brokerSubscribing.delete(channel);
    }
  }

  async removeSubscriber(channel: string, conn: Connection): Promise<void> {
    if (this.hub.unsubscribe(channel, conn)) await this.broker.unsubscribe(channel);
  }

  /**
   * Centrifugo's answer to a lost position: unsubscribe 2500 "insufficient state"; the client resubscribes at once
   * with its last offset and gets the missing publications from history (or recovered: false if they are gone).
   * A server-side subscription cannot be resubscribed by the client: the connection gets 3010 instead, and the
   * reconnect recovers its server-side subscriptions.
   */
  sendToRecover(channel: string, conns: Connection[]): void {
    this.#positionLosses += conns.length;
    for (const conn of conns) {
      const sub = conn.subscriptions.get(channel);
      if (sub && (sub.flags & SubFlag.serverSide) !== 0) {
        conn.close(Disconnect.insufficientState());
        continue;
      }
      void endSubscription(conn, channel, { code: 2500, reason: 'insufficient state' });
    }
  }
}
