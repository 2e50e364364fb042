/**
 * @module broker/redis-connection
 * What the Redis broker and presence manager share: connection options, opening an ioredis client whose errors are
 * logged (an unlistened 'error' event would crash the process), and Lua scripts run by SHA with a fallback to the
 * full text when Redis does not know them (after a restart or SCRIPT FLUSH).
 */
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { GatewayLogger } from '../options.ts';

export interface RedisConnectionOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /**
   * ioredis options (host, port, password, db, tls, retryStrategy, …); with `url`, they add to it.
   * Default here: `maxRetriesPerRequest: 3` (commands fail fast while Redis is away).
   */
  redis?: RedisOptions;
  /** Key and topic prefix, so several applications can share one Redis. Default `cadenza`. */
  prefix?: string;
  /** Where connection problems are reported. Default: silent. */
  log?: Pick<GatewayLogger, 'warn' | 'error'>;
}

const quiet = { warn: () => {}, error: () => {} };

export function openRedis(o: RedisConnectionOptions, role: string): Redis {
  // Named `<prefix>-<role>` in CLIENT LIST, so operators see which application and part holds a connection.
  const name = `${o.prefix ?? 'cadenza'}-${role}`.replace(/[^\w.:-]/g, '_');
  // While Redis is unreachable a command fails after 3 reconnect attempts (well under a second or two) instead of
  // ioredis' 20 (over a minute): a publish or subscribe reports the outage; reconnecting goes on in the background.
  const opts: RedisOptions = { connectionName: name, maxRetriesPerRequest: 3, ...o.redis };
  const client = o.url ? new Redis(o.url, opts) : new Redis(opts);
  const log = o.log ?? quiet;
  let lastWarn = 0;
  client.on('error', (err: Error) => {
    // ioredis retries on its own; one line per 10 s is enough while Redis is away.
    const now = Date.now();
    if (now - lastWarn < 10_000) return;
    lastWarn = now;
    log.warn({ err, role }, 'redis connection error (reconnecting)');
  });
  return client;
}

/** Closes a client: QUIT when connected, otherwise drop the socket and stop reconnecting. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status === 'ready') {
      await client.quit();
      return;
    }
  } catch {
    // fall through to disconnect
  }
  client.disconnect(false);
}

/** A Lua script called by EVALSHA, loaded again with EVAL when Redis answers NOSCRIPT. */
export class LuaScript {
  readonly #sha: string;
  constructor(
    readonly text: string,
    readonly numKeys: number,
  ) {
    this.#sha = createHash('sha1').update(text).digest('hex');
  }

  async run(client: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, this.numKeys, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.text, this.numKeys, ...keys, ...args);
    }
  }
}
