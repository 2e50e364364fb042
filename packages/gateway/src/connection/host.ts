/**
 * @module connection/host
 * What a connection may use of its node, and nothing more: settings, the application's hooks, channel rules, the
 * broker and presence ports, and a handful of operations that touch shared state (the hub's indexes, the node's
 * counters, the end-of-turn flush). The node implements it (core.ts); connection code never reaches past it.
 *
 * `C` is the connection type itself, so this module needs no import of it.
 */
import type { RawJson, ClientInfo } from '@cadenza/protocol';
import type { Broker, StreamPosition } from '../broker/broker.ts';
import type { ChannelRules } from '../channel-rules.ts';
import type { Disconnect } from '../errors.ts';
import type { GatewayHandlers } from '../hooks.ts';
import type { GatewayLogger, ResolvedLimits } from '../options.ts';
import type { PresenceManager } from '../presence/presence.ts';
import type { Subscription } from '../subscription.ts';

/** The node's resolved settings a connection works by. */
export interface ConnectionSettings {
  readonly limits: ResolvedLimits;
  readonly version: string;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly expiryGraceMs: number;
  readonly staleCloseDelayMs: number;
}

export interface ConnectionHost<C> {
  readonly settings: ConnectionSettings;
  readonly rules: ChannelRules;
  readonly handlers: GatewayHandlers;
  readonly broker: Broker;
  readonly presence: PresenceManager;
  readonly log: GatewayLogger;
  /** The node is shutting down: no new connections. */
  readonly closing: boolean;
  now(): number;

  /** Counts messages received / written, for the node's stats. */
  countIn(): void;
  countOut(messages: number): void;
  /** Calls `conn.flush()` once the current event-loop turn is over. */
  flushAtEndOfTurn(conn: C): void;

  /** Publishes to a channel (history per its namespace); throws 102/107 for a bad channel name. */
  publish(channel: string, data: RawJson, opts: { info?: ClientInfo }): Promise<StreamPosition>;

  /** A connection completed connect: checks the node's limits (throws `Disconnect`), then indexes it by user. */
  admit(conn: C): void;
  /**
   * Puts a subscription into the fan-out list; asks the broker for the channel on first use (later subscribers wait
   * until that first broker subscribe is in place). Undefined when there is nothing to wait for (the common case:
   * the channel is already subscribed at the broker), so a subscribe costs no promise for it.
   */
  addSubscriber(channel: string, conn: C, sub: Subscription): Promise<void> | undefined;
  /** Takes a subscription out of the fan-out list; tells the broker when it was the channel's last. */
  removeSubscriber(channel: string, conn: C): Promise<void>;
  /** The connection closed: release everything it held and tell the application. */
  released(conn: C, reason: Disconnect): void;
  /** The connection's socket is gone. */
  socketGone(conn: C): void;
}
