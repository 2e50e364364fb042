/**
 * @module @cadenza/gateway
 * A Centrifugo-compatible real-time server (client protocol v2, JSON and protobuf over WebSocket) that knows nothing
 * of the application: it calls the injected hooks and publishes what it is given.
 */
export { GatewayNode, type PublishOptions, type HistoryOptions, type HistoryPublication, type DisconnectUserOptions } from './node.ts';
export type { GatewayOptions, NamespaceOptions, GatewayLimits, GatewayLogger } from './options.ts';
export type { GatewayStats } from './core.ts';
export * from './hooks.ts';
export { ProtocolError, Disconnect } from './errors.ts';
/** Serialised JSON, which `publish` sends as it is (one value for several channels, serialised once). */
export { RawJson } from '@cadenza/protocol';
export type { Broker, BrokerEventHandler, BrokerPublication, BrokerPublishOptions, HistoryFilter, HistoryResult, StreamPosition, Closer } from './broker/broker.ts';
export { MemoryBroker, type MemoryBrokerOptions } from './broker/memory.ts';
export { RedisBroker, type RedisBrokerOptions } from './broker/redis.ts';
export type { RedisConnectionOptions } from './broker/redis-connection.ts';
export type { PresenceManager, PresenceStats } from './presence/presence.ts';
export { MemoryPresenceManager } from './presence/memory.ts';
export { RedisPresenceManager, type RedisPresenceOptions } from './presence/redis.ts';
export { WorkerPool, type WorkerPoolOptions, type WorkerScheduling } from './worker-pool.ts';
export { recoverStream, mergeBuffered, type RecoveryInput, type RecoveryOutcome } from './recovery.ts';
