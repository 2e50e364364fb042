/**
 * @module http/metrics
 * `GET /metrics` in the Prometheus text format: process metrics, the gauges and counters the composition root
 * registers (read when scraped), and RPC call counts and latencies by method.
 *
 * The RPC series are counted in place — a call adds to a few slots of its method's tally — and turned into
 * prom-client's counter and histogram series only when scraped: prom-client's own `inc`/`observe` (label hashing,
 * validation, an object per label set per call) cost more than the rest of the gateway's work on a trivial RPC.
 */
import { Hono } from 'hono';
import { Registry, collectDefaultMetrics, Counter, Gauge, type Metric } from 'prom-client';
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
  const tallies = new RpcTallies(knownMethods);
  // The registry takes any object that answers `get()` as prom-client's own metrics do (its type names only those).
  registry.registerMetric(tallies.callsMetric() as unknown as Metric);
  registry.registerMetric(tallies.durationMetric() as unknown as Metric);
  const app = new Hono();
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
  return { app, registry, rpc: tallies };
}

const OUTCOMES: readonly RpcOutcomeLabel[] = ['ok', 'refused', 'protocol_error', 'exception'];
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** One method's calls: by outcome (OUTCOMES order), and their durations per bucket (not cumulative), sum and count. */
interface Tally {
  outcomes: Float64Array;
  buckets: Float64Array;
  sum: number;
  count: number;
}

/** One exported sample, as prom-client's metrics give them to the registry. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** A metric the registry scrapes as it scrapes prom-client's own (`get()` → the series). */
interface ScrapedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: 'counter' | 'histogram'; aggregator: 'sum'; values: Sample[] }>;
  reset(): void;
}

/**
 * `cadenza_rpc_calls_total{method,outcome}` and `cadenza_rpc_duration_seconds{method}`, the same series prom-client's
 * Counter and Histogram exported, tallied per call without allocating and formatted at scrape.
 */
class RpcTallies implements RpcObserver {
  /** Method label → its tally, in the order first called (the order of series means nothing to Prometheus). */
  readonly #byMethod = new Map<string, Tally>();

  constructor(readonly knownMethods: ReadonlySet<string>) {}

  /** Bound: the composition root passes it on as a plain function. */
  readonly observe = (method: string, outcome: RpcOutcomeLabel, seconds: number): void => {
    let t = this.#byMethod.get(method);
    if (t === undefined) {
      const label = this.knownMethods.has(method) ? method : 'unknown';
      t = this.#byMethod.get(label);
      if (t === undefined) this.#byMethod.set(label, (t = { outcomes: new Float64Array(OUTCOMES.length), buckets: new Float64Array(DURATION_BUCKETS.length), sum: 0, count: 0 }));
    }
    t.outcomes[outcome === 'ok' ? 0 : outcome === 'refused' ? 1 : outcome === 'protocol_error' ? 2 : 3]! += 1;
    let b = 0;
    while (b < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[b]!) b++;
    if (b < DURATION_BUCKETS.length) t.buckets[b]! += 1;
    t.sum += seconds;
    t.count += 1;
  };

  #reset(): void {
    this.#byMethod.clear();
  }

  callsMetric(): ScrapedMetric {
    const metric = { name: 'cadenza_rpc_calls_total', help: 'RPC calls by method and outcome', type: 'counter' as const, aggregator: 'sum' as const };
    return {
      ...metric,
      get: async () => {
        const values: Sample[] = [];
        for (const [method, t] of this.#byMethod) {
          for (let i = 0; i < OUTCOMES.length; i++) if (t.outcomes[i]! > 0) values.push({ labels: { method, outcome: OUTCOMES[i]! }, value: t.outcomes[i]! });
        }
        return { ...metric, values };
      },
      reset: () => this.#reset(),
    };
  }

  durationMetric(): ScrapedMetric {
    const name = 'cadenza_rpc_duration_seconds';
    const metric = { name, help: 'RPC handling time by method (from dispatch to the answer, durable writes included)', type: 'histogram' as const, aggregator: 'sum' as const };
    return {
      ...metric,
      get: async () => {
        const values: Sample[] = [];
        for (const [method, t] of this.#byMethod) {
          let cumulative = 0;
          for (let b = 0; b < DURATION_BUCKETS.length; b++) {
            cumulative += t.buckets[b]!;
            values.push({ labels: { le: DURATION_BUCKETS[b]!, method }, value: cumulative, metricName: `${name}_bucket` });
          }
          values.push({ labels: { le: '+Inf', method }, value: t.count, metricName: `${name}_bucket` });
          values.push({ labels: { method }, value: t.sum, metricName: `${name}_sum` });
          values.push({ labels: { method }, value: t.count, metricName: `${name}_count` });
        }
        return { ...metric, values };
      },
      reset: () => this.#reset(),
    };
  }
}
