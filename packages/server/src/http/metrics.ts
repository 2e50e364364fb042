/**
 * @module http/metrics
 * `GET /metrics` in the Prometheus text format: process metrics, the gauges and counters the composition root
 * registers (read when scraped), and RPC call counts and latencies by method.
 */
import { Hono } from 'hono';
import { Registry, collectDefaultMetrics, Counter, Gauge, Histogram } from 'prom-client';
import type { RpcOutcomeLabel } from '../rpc/observed-dispatcher.ts';

export interface MetricsSource {
  name: string;
  help: string;
  /** 'gauge' (default): a level; 'counter': a running total that only grows. */
  type?: 'gauge' | 'counter';
  read(): number;
  /** A labelled metric: `labelNames` and the samples to export (then `read` is unused). */
  labelNames?: string[];
  samples?(): Array<{ labels: Record<string, string>; value: number }>;
}


export interface RpcObserver {
  observe(method: string, outcome: RpcOutcomeLabel, seconds: number): void;
}

export interface Metrics {
  app: Hono;
  registry: Registry;
  rpc: RpcObserver;
}

/**
 * `knownMethods` bounds the `method` label: anything else is counted as `unknown`, so a client inventing method names
 * cannot grow the metric without limit.
 */
export function metricsRoutes(sources: MetricsSource[], knownMethods: ReadonlySet<string> = new Set()): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cadenza_' });
  for (const s of sources) {
    if (s.labelNames && s.samples) {
      const samples = s.samples.bind(s);
      const collect = function (this: Counter | Gauge) {
        this.reset();
        for (const { labels, value } of samples()) (this instanceof Counter ? this.inc(labels, value) : (this as Gauge).set(labels, value));
      };
      if (s.type === 'counter') new Counter({ name: s.name, help: s.help, labelNames: s.labelNames, registers: [registry], collect });
      else new Gauge({ name: s.name, help: s.help, labelNames: s.labelNames, registers: [registry], collect });
      continue;
    }
    if (s.type === 'counter') {
      new Counter({ name: s.name, help: s.help, registers: [registry], collect() { this.reset(); this.inc(s.read()); } });
    } else {
      new Gauge({ name: s.name, help: s.help, registers: [registry], collect() { this.set(s.read()); } });
    }
  }
  const calls = new Counter({ name: 'cadenza_rpc_calls_total', help: 'RPC calls by method and outcome', labelNames: ['method', 'outcome'], registers: [registry] });
  const duration = new Histogram({
    name: 'cadenza_rpc_duration_seconds',
    help: 'RPC handling time by method (from dispatch to the answer, durable writes included)',
    labelNames: ['method'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const rpc: RpcObserver = {
    observe(method, outcome, seconds) {
      const m = knownMethods.has(method) ? method : 'unknown';
      calls.inc({ method: m, outcome });
      duration.observe({ method: m }, seconds);
    },
  };
  const app = new Hono();
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
  return { app, registry, rpc };
}
