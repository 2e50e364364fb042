/**
 * @module revocation-fanout
 * Sign-outs reach the connections held by gateway nodes: the server announces each revoked login session on a Redis
 * pub/sub topic, and every node cuts that session's connections (3500), as the server does with its own. Without
 * it a node would notice at its next session check (≤ 5 min).
 */
import { Redis } from 'ioredis';

export const REVOCATIONS_TOPIC = 'cadenza.revocations';

export interface Revocation {
  userId: string;
  sessionIds: string[];
}

export interface RevocationFanout {
  publish(r: Revocation): void;
  close(): Promise<void>;
}

export function revocationPublisher(redisUrl: string, log: { warn(obj: unknown, msg?: string): void }): RevocationFanout {
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3, connectionName: 'cadenza-revocations' });
  redis.on('error', () => undefined); // ioredis reconnects by itself; a failed publish is logged below
  return {
    publish(r) {
      redis.publish(REVOCATIONS_TOPIC, JSON.stringify(r)).catch((err: unknown) => log.warn({ err, userId: r.userId }, 'could not announce a revoked session to the gateway nodes'));
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Calls `onRevoked` for each announcement (malformed messages are ignored). */
export function revocationSubscriber(redisUrl: string, onRevoked: (r: Revocation) => void): { ready: Promise<void>; close(): Promise<void> } {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, connectionName: 'cadenza-revocations-sub' });
  redis.on('error', () => undefined);
  redis.on('message', (topic: string, message: string) => {
    if (topic !== REVOCATIONS_TOPIC) return;
    try {
      const r = JSON.parse(message) as Revocation;
      if (typeof r.userId === 'string' && Array.isArray(r.sessionIds)) onRevoked({ userId: r.userId, sessionIds: r.sessionIds.filter((s) => typeof s === 'string') });
    } catch {
      // not ours
    }
  });
  const ready = redis.subscribe(REVOCATIONS_TOPIC).then(() => undefined);
  return {
    ready,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
