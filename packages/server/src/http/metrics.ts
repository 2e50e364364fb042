/**
 * @module http/metrics
 * `GET /metrics` in the Prometheus text format: process metrics plus gauges the composition root registers.
 */
import { Hono } from 'hono';
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';

export interface MetricsSource {
  name: string;
  help: string;
  read(): number;
}

export function metricsRoutes(sources: MetricsSource[]): { app: Hono; registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cadenza_' });
  for (const s of sources) {
    new Gauge({ name: s.name, help: s.help, registers: [registry], collect() { this.set(s.read()); } });
  }
  const app = new Hono();
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
  return { app, registry };
}
