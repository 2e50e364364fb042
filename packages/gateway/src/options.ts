/**
 * @module options
 * GatewayNode's options with their defaults. Defaults follow Centrifugo's where it has one.
 */
import type { IncomingMessage } from 'node:http';
import type { Broker } from './broker/broker.ts';
import type { GatewayHandlers } from './hooks.ts';
import type { PresenceManager } from './presence/presence.ts';

/** Per-namespace channel behaviour (a namespace is the part of a channel name before the first `:`). */
export interface NamespaceOptions {
  /** Publications kept per channel (0 = no history). Needs `historyTtlSeconds` too. */
  historySize?: number;
  historyTtlSeconds?: number;
  /** Every subscription is recoverable (needs history). */
  forceRecovery?: boolean;
  /** Subscriptions are recoverable when the client asks (`recoverable: true`). */
  allowRecovery?: boolean;
  /** Every subscription is positioned (gets the stream position). */
  forcePositioning?: boolean;
  allowPositioning?: boolean;
  /** Keep presence for channels of this namespace. */
  presence?: boolean;
  /** Emit join/leave to subscribers that ask for it (`join_leave: true`). */
  joinLeave?: boolean;
  /** Emit join/leave to every subscriber. */
  forcePushJoinLeave?: boolean;
  /** Subscribers may publish from the client. Default false. */
  allowPublishForSubscriber?: boolean;
  /** Any connected client may publish from the client. Default false. */
  allowPublishForClient?: boolean;
  /** Subscribers may read history / presence. Default true (Centrifugo's default is false; reading what one
   *  already receives discloses nothing). */
  allowHistoryForSubscriber?: boolean;
  allowPresenceForSubscriber?: boolean;
  /** Any connected client may read history / presence without subscribing. Default false. */
  allowHistoryForClient?: boolean;
  allowPresenceForClient?: boolean;
  /** `ns:chan#42,43` may be subscribed by users 42 and 43 without asking `onSubscribe`. */
  allowUserLimitedChannels?: boolean;
  /** When set, channel names (after the namespace) must match it, or error 107. */
  channelRegex?: RegExp;
}

export interface GatewayLimits {
  /** Open connections on this node; more get disconnect 3504 connection limit. Default 0 = unlimited. */
  maxConnections?: number;
  /**
   * Connections of one user on this node (Centrifugo's `user_connection_limit`): one more is refused at connect with
   * disconnect 3504 connection limit. Anonymous connections are not counted. Default 0 = unlimited.
   */
  maxConnectionsPerUser?: number;
  /**
   * Open sockets from one client address (see `GatewayOptions.clientAddress`), connected or not: one more is closed
   * at once with disconnect 3504 connection limit. Default 0 = unlimited.
   */
  maxConnectionsPerIp?: number;
  /** Subscriptions per connection (Centrifugo `channel_limit`, default 128): more gets error 106. */
  maxChannelsPerConnection?: number;
  /** Largest incoming WebSocket message in bytes (default 65536); bigger closes with 1009. */
  maxMessageBytes?: number;
  /**
   * Commands per second per connection (token bucket, burst = rate); above it error 111 (temporary). 0 = unlimited.
   * Default 10000: far above any real client, low enough to blunt a runaway or hostile one. Centrifugo has no default.
   */
  commandsPerSecond?: number;
  /** Bytes waiting to be written to one connection before it is cut with 3008 slow. Default 1 MiB. */
  writeQueueBytes?: number;
  /** Longest channel name in bytes (default 255), longer gets 107. */
  maxChannelLength?: number;
  /** Cap on history `limit` from clients (default 300) and on publications a recovery may return (default 300). */
  historyMaxPublications?: number;
  recoveryMaxPublications?: number;
}

/** Minimal pino-compatible logger. */
export interface GatewayLogger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface GatewayOptions {
  handlers: GatewayHandlers;
  log?: GatewayLogger;
  broker?: Broker;
  presence?: PresenceManager;
  /** Namespace name → options. */
  namespaces?: Record<string, NamespaceOptions>;
  /** Options of channels without a namespace (no `:` in the name). Default: none of the features. */
  withoutNamespace?: NamespaceOptions;
  /** Whether a channel in a namespace not listed above is refused with 102 (Centrifugo). Default true. */
  rejectUnknownNamespaces?: boolean;
  limits?: GatewayLimits;
  /**
   * The client's address for `maxConnectionsPerIp`; default the socket's remote address. Behind a reverse proxy every
   * client shares the proxy's address: return the one the proxy forwards (only from a proxy you trust).
   */
  clientAddress?: (req: IncomingMessage) => string;
  /** Server ping interval (default 25000); must be whole seconds as announced to clients. 0 disables pings. */
  pingIntervalMs?: number;
  /** How long a ping may stay unanswered before 3012 no pong (default 8000). */
  pongTimeoutMs?: number;
  /** How long after expiry an unrefreshed connection or subscription is closed (default 25000). */
  clientExpiryGraceMs?: number;
  /**
   * How often positioned subscriptions are checked against the stream top (Centrifugo's
   * `channel_position_check_delay`, default 40000; 0 = off): one that has not reached the top of the previous check
   * lost publications at the end of the stream, and is sent to recover them.
   */
  positionCheckMs?: number;
  /** How long a socket may stay without a successful connect before 3502 stale (default 10000). */
  staleCloseDelayMs?: number;
  /** Server version string, in the connect reply. */
  version?: string;
  /** Clock in unix ms (tests). */
  now?: () => number;
}

export interface ResolvedLimits {
  maxConnections: number;
  maxConnectionsPerUser: number;
  maxConnectionsPerIp: number;
  maxChannelsPerConnection: number;
  maxMessageBytes: number;
  commandsPerSecond: number;
  writeQueueBytes: number;
  maxChannelLength: number;
  historyMaxPublications: number;
  recoveryMaxPublications: number;
}

export function resolveLimits(l: GatewayLimits = {}): ResolvedLimits {
  return {
    maxConnections: l.maxConnections ?? 0,
    maxConnectionsPerUser: l.maxConnectionsPerUser ?? 0,
    maxConnectionsPerIp: l.maxConnectionsPerIp ?? 0,
    maxChannelsPerConnection: l.maxChannelsPerConnection ?? 128,
    maxMessageBytes: l.maxMessageBytes ?? 65536,
    commandsPerSecond: l.commandsPerSecond ?? 10_000,
    writeQueueBytes: l.writeQueueBytes ?? 1024 * 1024,
    maxChannelLength: l.maxChannelLength ?? 255,
    historyMaxPublications: l.historyMaxPublications ?? 300,
    recoveryMaxPublications: l.recoveryMaxPublications ?? 300,
  };
}

export const silentLogger: GatewayLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
