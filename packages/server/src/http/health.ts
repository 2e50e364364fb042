/**
 * @module http/health
 * `GET /health` and `GET /api/v3/health`: liveness of the process and its parts, in the contract's
 * `Health200Response` envelope (503 with the same body when unhealthy).
 */
import { Hono } from 'hono';

/** One component of `Health200ResponseChecks` (the contract names `database`, `temporal`, `redis`). */
export interface HealthProbe {
  name: 'database' | 'temporal' | 'redis';
  check(): { status: 'healthy' | 'degraded' | 'unhealthy' };
}

export function healthRoutes(version: string, probes: HealthProbe[], now: () => number = Date.now): Hono {
  const app = new Hono();
  const handler = (c: import('hono').Context) => {
    const checks: Record<string, { status: string }> = {};
    let worst: 'healthy' | 'degraded' | 'unhealthy' = 'healthy';
    for (const p of probes) {
      let r: ReturnType<HealthProbe['check']>;
      try {
        r = p.check();
      } catch (err) {
        void err;
        r = { status: 'unhealthy' };
      }
      checks[p.name] = r;
      if (r.status === 'unhealthy') worst = 'unhealthy';
      else if (r.status === 'degraded' && worst === 'healthy') worst = 'degraded';
    }
    const t = now();
    const body = { status: worst, timestamp: t, isoDateTime: new Date(t).toISOString(), version, checks };
    return c.json(body, worst === 'unhealthy' ? 503 : 200);
  };
  app.get('/health', handler);
  app.get('/api/v3/health', handler);
  return app;
}
