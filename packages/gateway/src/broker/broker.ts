/**
 * @module broker
 * The Broker port: moves publications (and join/leave events) between gateway nodes and keeps each channel's
 * history stream. MemoryBroker serves one node; a Redis broker (later) implements the same port and passes the same
 * shared suite (`runBrokerContract` in ../contracts.ts).
 *
 * Contract:
 * - `publish` appends to the channel's history and delivers to every node subscribed to the channel, atomically per
 *   channel: publications of one channel reach `onPublication` in offset order, and the offset a publish returns is
 *   the one its publication carries.
 * - With history (`historySize > 0 && historyTtlSeconds > 0`) offsets grow by exactly 1 per publication, starting
 *   at 1 in a new epoch. Without history the publication carries offset 0 and the stream position is not moved.
 * - The epoch changes only when the stream's storage is lost (e.g. a restarted memory broker); a client that sees a
 *   new epoch cannot recover and reloads its state.
 * - `history` applies the filter on one consistent snapshot of the stream and returns its current top position.
 */
import type { ClientInfo, RawJson } from '@cadenza/protocol';

/** Where a stream stands: the offset of its newest publication and its generation. */
export interface StreamPosition {
  offset: number;
  epoch: string;
}

/** A publication as the broker stores and delivers it. `offset` is 0 for channels without history. */
export interface BrokerPublication {
  data: RawJson;
  offset: number;
  /** The stream generation the offset belongs to (channels with history); lets a node see a stream reset. */
  epoch?: string;
  info?: ClientInfo;
  tags?: Record<string, string>;
  /** Unix ms when published (the Redis broker's messages carry it; nothing reads it yet, so the memory broker omits it). */
  time?: number;
}

export interface BrokerPublishOptions {
  /** Publications kept per channel; 0 = no history. */
  historySize: number;
  /** How long a publication stays in history. */
  historyTtlSeconds: number;
  info?: ClientInfo;
  tags?: Record<string, string>;
}

/** What to read from a stream. */
export interface HistoryFilter {
  /** Only publications after this position (before it, with `reverse`). */
  since?: StreamPosition;
  /** 0 = only the position, -1 = no limit, n = at most n publications. */
  limit: number;
  /** Newest first. */
  reverse?: boolean;
}

export interface HistoryResult {
  publications: BrokerPublication[];
  position: StreamPosition;
}

/** What a node receives from the broker. Calls for one channel arrive in publish order. */
export interface BrokerEventHandler {
  onPublication(channel: string, pub: BrokerPublication): void;
  onJoin(channel: string, info: ClientInfo): void;
  onLeave(channel: string, info: ClientInfo): void;
}

export interface Broker {
  /** Starts delivery to this node's handler; called once by the node before anything else. */
  run(handler: BrokerEventHandler): Promise<void>;
  /** This node wants the channel's publications (called when its first local subscriber arrives). */
  subscribe(channel: string): Promise<void>;
  /** This node no longer wants the channel (its last local subscriber left). */
  unsubscribe(channel: string): Promise<void>;
  publish(channel: string, data: RawJson, options: BrokerPublishOptions): Promise<StreamPosition>;
  /**
   * Optional: `publish` for a caller that neither waits nor wants the position, done before it returns and throwing
   * what `publish` would reject with — for a broker whose publish completes at once (the memory broker), so the
   * node's fire-and-forget publications make no promise each.
   */
  publishNow?(channel: string, data: RawJson, options: BrokerPublishOptions): void;
  publishJoin(channel: string, info: ClientInfo): Promise<void>;
  publishLeave(channel: string, info: ClientInfo): Promise<void>;
  history(channel: string, filter: HistoryFilter): Promise<HistoryResult>;
  removeHistory(channel: string): Promise<void>;
}

/** Optional ability: brokers holding connections or timers release them here. */
export interface Closer {
  close(): Promise<void>;
}
