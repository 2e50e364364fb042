/**
 * @module broker/redis
 * A Broker on Redis, so several gateway nodes serve one set of channels (the model is Centrifugo's Redis engine).
 * A publish is one Lua script (redis-scripts.ts): append to the channel's STREAM, move the offset, keep or create
 * the epoch, apply size and TTL, and PUBLISH to the channel's topic — so every node subscribed to the topic,
 * this one included, hands the publication to its handler in offset order. Nodes SUBSCRIBE to a topic while they
 * have local subscribers (the port's subscribe/unsubscribe). Two connections: one for commands, one for pub/sub
 * (ioredis re-subscribes its topics after a reconnect).
 *
 * Stream positions asked in one event-loop turn (`history` with limit 0 and no `since`: what every positioned
 * subscribe asks) are read once per channel at the end of the turn and shared: every subscription that asked had
 * joined the fan-out list before the read is sent, which is all a position read promises (subscribe.ts). A connect
 * storm then costs Redis one script call per channel and turn, not one per subscriber.
 *
 * Not guaranteed: publications sent while this node's pub/sub connection is down are not delivered live to its
 * clients (they get them from history when they next recover). History expiry per publication uses the nodes'
 * clocks (`now`), so node clocks should agree.
 */
import { randomBytes } from 'node:crypto';
import type { ClientInfo, RawJson } from '@cadenza/protocol';
import type { Redis } from 'ioredis';
import type {
  Broker,
  BrokerEventHandler,
  BrokerPublication,
  BrokerPublishOptions,
  Closer,
  HistoryFilter,
  HistoryResult,
  StreamPosition,
} from './broker.ts';
import { closeRedis, openRedis, type RedisConnectionOptions } from './redis-connection.ts';
import { HISTORY, PUBLISH } from './redis-scripts.ts';
import { decodeMessage, encodeInfo, encodeMeta, toPublication } from './redis-wire.ts';

export interface RedisBrokerOptions extends RedisConnectionOptions {
  /**
   * How long a channel's stream position (offset + epoch) outlives its last publication; after that the next
   * publish starts a new epoch. Default 30 days (Centrifugo's `history_meta_ttl`); 0 = kept for ever.
   */
  historyMetaTtlSeconds?: number;
  /** Clock in unix ms for publication times and history expiry (tests pass a fake). */
  now?: () => number;
}

type StreamEntry = [id: string, fields: string[]];

export class RedisBroker implements Broker, Closer {
  readonly #cmd: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #metaTtl: number;
  readonly #now: () => number;
  readonly #log: NonNullable<RedisConnectionOptions['log']>;
  #handler: BrokerEventHandler | undefined;
  #closed = false;
  /** Position reads waiting for the end of this turn, by channel. */
  #positionReads = new Map<string, Array<{ resolve(r: HistoryResult): void; reject(err: unknown): void }>>();

  constructor(options: RedisBrokerOptions = {}) {
    this.#prefix = options.prefix ?? 'cadenza';
    this.#metaTtl = options.historyMetaTtlSeconds ?? 30 * 24 * 3600;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? { warn: () => {}, error: () => {} };
    this.#cmd = openRedis(options, 'broker');
    this.#sub = openRedis(options, 'broker-pubsub');
    this.#sub.on('message', (topic: string, message: string) => this.#deliver(topic, message));
  }

  async run(handler: BrokerEventHandler): Promise<void> {
    this.#handler = handler;
  }

  async subscribe(channel: string): Promise<void> {
    await this.#sub.subscribe(this.#topic(channel));
  }

  async unsubscribe(channel: string): Promise<void> {
    if (this.#closed) return;
    await this.#sub.unsubscribe(this.#topic(channel));
  }

  async publish(channel: string, data: RawJson, options: BrokerPublishOptions): Promise<StreamPosition> {
    const now = this.#now();
    const meta = encodeMeta(now, options.info, options.tags);
    if (!(options.historySize > 0 && options.historyTtlSeconds > 0)) {
      await this.#cmd.publish(this.#topic(channel), `p0\n\n${meta}\n${data.text}`);
      return { offset: 0, epoch: '' };
    }
    const [offset, epoch] = (await PUBLISH.run(this.#cmd, this.#keys(channel), [
      newEpoch(),
      this.#metaTtl,
      data.text,
      meta,
      options.historySize,
      options.historyTtlSeconds,
      now + options.historyTtlSeconds * 1000,
      this.#topic(channel),
    ])) as [number, string];
    return { offset: Number(offset), epoch: String(epoch) };
  }

  async publishJoin(channel: string, info: ClientInfo): Promise<void> {
    await this.#cmd.publish(this.#topic(channel), `j${encodeInfo(info)}`);
  }

  async publishLeave(channel: string, info: ClientInfo): Promise<void> {
    await this.#cmd.publish(this.#topic(channel), `l${encodeInfo(info)}`);
  }

  history(channel: string, filter: HistoryFilter): Promise<HistoryResult> {
    if (filter.limit !== 0 || filter.since) return this.#history(channel, filter);
    return new Promise((resolve, reject) => {
      const waiting = this.#positionReads.get(channel);
      if (waiting) return waiting.push({ resolve, reject });
      if (this.#positionReads.size === 0) setImmediate(() => this.#readPositions());
      this.#positionReads.set(channel, [{ resolve, reject }]);
    });
  }

  #readPositions(): void {
    const reads = this.#positionReads;
    this.#positionReads = new Map();
    for (const [channel, waiting] of reads) {
      this.#history(channel, { limit: 0 }).then(
        (h) => {
          for (const w of waiting) w.resolve({ publications: [], position: { offset: h.position.offset, epoch: h.position.epoch } });
        },
        (err: unknown) => {
          for (const w of waiting) w.reject(err);
        },
      );
    }
  }

  async #history(channel: string, filter: HistoryFilter): Promise<HistoryResult> {
    const [top, epoch, entries] = (await HISTORY.run(this.#cmd, this.#keys(channel), [
      newEpoch(),
      this.#metaTtl,
      this.#now(),
      filter.limit,
      filter.reverse ? '1' : '0',
      filter.since ? Math.trunc(filter.since.offset) : '',
    ])) as [number, string, StreamEntry[]];
    const publications: BrokerPublication[] = entries.map(([id, fields]) => {
      const f = fieldMap(fields);
      return toPublication(Number.parseInt(id, 10), f.m ?? '{}', f.d ?? 'null');
    });
    return { publications, position: { offset: Number(top), epoch: String(epoch) } };
  }

  /** Drops the publications; the position (offset, epoch) stays, as in Centrifugo. */
  async removeHistory(channel: string): Promise<void> {
    await this.#cmd.del(this.#keys(channel)[0]!);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([closeRedis(this.#sub), closeRedis(this.#cmd)]);
  }

  #topic(channel: string): string {
    return `${this.#prefix}.pub.${channel}`;
  }

  #keys(channel: string): [stream: string, meta: string] {
    return [`${this.#prefix}.stream.${channel}`, `${this.#prefix}.meta.${channel}`];
  }

  #deliver(topic: string, message: string): void {
    const handler = this.#handler;
    const head = `${this.#prefix}.pub.`;
    if (!handler || !topic.startsWith(head)) return;
    const channel = topic.slice(head.length);
    try {
      const m = decodeMessage(message);
      if (m.kind === 'pub') handler.onPublication(channel, m.pub);
      else if (m.kind === 'join') handler.onJoin(channel, m.info);
      else handler.onLeave(channel, m.info);
    } catch (err) {
      this.#log.error({ err, channel }, 'broker message from redis could not be delivered');
    }
  }
}

function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

function fieldMap(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}
