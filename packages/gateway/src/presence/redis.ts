/**
 * @module presence/redis
 * Presence shared by every node through Redis (Centrifugo's layout): per channel C a hash `P.presence.data.C`
 * (client id → client info JSON) and a sorted set `P.presence.expire.C` (client id → unix ms when the entry goes
 * stale). Each node re-adds the entries it added every `refreshIntervalMs`, so a node that dies without removing its
 * clients' entries leaves them for at most `ttlSeconds`; readers drop stale entries before answering. Both keys also
 * carry a Redis TTL, so an abandoned channel's presence disappears entirely.
 */
import type { ClientInfo } from '@cadenza/protocol';
import type { Redis } from 'ioredis';
import type { Closer } from '../broker/broker.ts';
import { closeRedis, LuaScript, openRedis, type RedisConnectionOptions } from '../broker/redis-connection.ts';
import { decodeInfo, encodeInfo } from '../broker/redis-wire.ts';
import type { PresenceManager, PresenceStats } from './presence.ts';

export interface RedisPresenceOptions extends RedisConnectionOptions {
  /** How long an entry lives without a refresh. Default 60 (Centrifugo's `presence_ttl`). */
  ttlSeconds?: number;
  /** How often this node refreshes its entries. Default 25000; must be below `ttlSeconds`. */
  refreshIntervalMs?: number;
  /** Clock in unix ms (tests pass a fake). */
  now?: () => number;
}

/** KEYS: data, expire. ARGV: key TTL s, stale-at ms, then client id / info pairs. */
const ADD = new LuaScript(
  `
for i = 3, #ARGV, 2 do
  redis.call('zadd', KEYS[2], ARGV[2], ARGV[i])
  redis.call('hset', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('expire', KEYS[1], ARGV[1])
redis.call('expire', KEYS[2], ARGV[1])
`,
  2,
);

/** KEYS: data, expire. ARGV: client id. */
const REMOVE = new LuaScript(
  `
redis.call('hdel', KEYS[1], ARGV[1])
redis.call('zrem', KEYS[2], ARGV[1])
`,
  2,
);

/** KEYS: data, expire. ARGV: now ms. Drops stale entries, returns HGETALL of the rest. */
const READ = new LuaScript(
  `
local stale = redis.call('zrangebyscore', KEYS[2], '-inf', ARGV[1])
if #stale > 0 then
  redis.call('zremrangebyscore', KEYS[2], '-inf', ARGV[1])
  for i = 1, #stale, 500 do
    redis.call('hdel', KEYS[1], unpack(stale, i, math.min(i + 499, #stale)))
  end
end
return redis.call('hgetall', KEYS[1])
`,
  2,
);

export class RedisPresenceManager implements PresenceManager, Closer {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #log: NonNullable<RedisConnectionOptions['log']>;
  /** This node's entries: channel → client id → info JSON, re-added on every refresh. */
  readonly #mine = new Map<string, Map<string, string>>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: RedisPresenceOptions = {}) {
    this.#prefix = options.prefix ?? 'cadenza';
    this.#ttl = options.ttlSeconds ?? 60;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? { warn: () => {}, error: () => {} };
    const every = options.refreshIntervalMs ?? 25_000;
    if (!(this.#ttl > 0) || !(every > 0) || every >= this.#ttl * 1000) throw new Error('presence: need 0 < refreshIntervalMs < ttlSeconds * 1000');
    this.#redis = openRedis(options, 'presence');
    this.#timer = setInterval(() => void this.refresh(), every);
    this.#timer.unref();
  }

  async add(channel: string, clientId: string, info: ClientInfo): Promise<void> {
    const json = encodeInfo(info);
    let m = this.#mine.get(channel);
    if (!m) this.#mine.set(channel, (m = new Map()));
    m.set(clientId, json);
    await ADD.run(this.#redis, this.#keys(channel), [this.#ttl, this.#staleAt(), clientId, json]);
  }

  async remove(channel: string, clientId: string): Promise<void> {
    const m = this.#mine.get(channel);
    if (m) {
      m.delete(clientId);
      if (m.size === 0) this.#mine.delete(channel);
    }
    await REMOVE.run(this.#redis, this.#keys(channel), [clientId]);
  }

  async presence(channel: string): Promise<Record<string, ClientInfo>> {
    const flat = (await READ.run(this.#redis, this.#keys(channel), [this.#now()])) as string[];
    const out: Record<string, ClientInfo> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) {
      try {
        out[flat[i]!] = decodeInfo(JSON.parse(flat[i + 1]!) as Record<string, unknown>);
      } catch (err) {
        this.#log.warn({ err, channel }, 'unreadable presence entry skipped');
      }
    }
    return out;
  }

  async stats(channel: string): Promise<PresenceStats> {
    const entries = Object.values(await this.presence(channel));
    return { numClients: entries.length, numUsers: new Set(entries.map((i) => i.user)).size };
  }

  /** Re-adds every entry this node holds (the timer calls it; exposed for tests and for a node that wants it now). */
  async refresh(): Promise<void> {
    const staleAt = this.#staleAt();
    const calls: Array<Promise<unknown>> = [];
    for (const [channel, m] of this.#mine) {
      let args: Array<string | number> = [];
      for (const [id, json] of m) {
        args.push(id, json);
        if (args.length >= 1000) {
          calls.push(ADD.run(this.#redis, this.#keys(channel), [this.#ttl, staleAt, ...args]));
          args = [];
        }
      }
      if (args.length > 0) calls.push(ADD.run(this.#redis, this.#keys(channel), [this.#ttl, staleAt, ...args]));
    }
    const failed = (await Promise.allSettled(calls)).filter((r) => r.status === 'rejected').length;
    if (failed > 0) this.#log.warn({ failed }, 'presence refresh failed for some channels');
  }

  /** Stops refreshing and closes the connection. This node's entries stay until removed or stale. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await closeRedis(this.#redis);
  }

  #staleAt(): number {
    return this.#now() + this.#ttl * 1000;
  }

  #keys(channel: string): [data: string, expire: string] {
    return [`${this.#prefix}.presence.data.${channel}`, `${this.#prefix}.presence.expire.${channel}`];
  }
}
