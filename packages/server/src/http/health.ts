/**
 * @module http/health
 * `GET /health` and `GET /api/v3/health`: liveness of the process and its parts, as the contract's
 * `Health200Response` (503 with the same body when unhealthy).
 *
 * The overall status is the worst of the checks. A live venue that cannot be reached makes its check `degraded`,
 * never `unhealthy`: PAPER and everything else still work, and a 503 would take the whole server out of a load
 * balancer.
 */
import { Hono } from 'hono';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/**
 * One component of `Health200ResponseChecks`: the contract names `database`, `temporal`, `redis`; `venues` is ours
 * (decoders ignore unknown keys, contract §a.8). A component is a `HealthCheckComponent` `{status}` and may carry
 * details beside it.
 */
export interface HealthProbe {
  name: 'database' | 'temporal' | 'redis' | 'venues';
  check(): { status: HealthStatus; [detail: string]: unknown };
}

/** The checks `Health200ResponseChecks` declares; `/api/v3/health` answers these alone, each as a bare `{status}`. */
const CONTRACT_CHECKS = new Set<string>(['database', 'temporal', 'redis']);

export function healthRoutes(version: string, probes: HealthProbe[], now: () => number = Date.now): Hono {
  const app = new Hono();
  // `/health` is ours and says everything (venues, details); `/api/v3/health` is the contract's model exactly, since
  // strict generated clients refuse undeclared fields. Both report the same overall status.
  const handler = (c: import('hono').Context, contractOnly: boolean) => {
    const checks: Record<string, { status: string }> = {};
    let worst: HealthStatus = 'healthy';
    for (const p of probes) {
      let r: ReturnType<HealthProbe['check']>;
      try {
        r = p.check();
      } catch (err) {
        void err;
        r = { status: 'unhealthy' };
      }
      if (!contractOnly) checks[p.name] = r;
      else if (CONTRACT_CHECKS.has(p.name)) checks[p.name] = { status: r.status };
      if (r.status === 'unhealthy') worst = 'unhealthy';
      else if (r.status === 'degraded' && worst === 'healthy') worst = 'degraded';
    }
    const t = now();
    const body = { status: worst, timestamp: t, isoDateTime: new Date(t).toISOString(), version, checks };
    return c.json(body, worst === 'unhealthy' ? 503 : 200);
  };
  app.get('/health', (c) => handler(c, false));
  app.get('/api/v3/health', (c) => handler(c, true));
  return app;
}
