/** The RPC series tallied in place are exactly what prom-client's own Counter and Histogram export for the same calls. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { metricsRoutes } from '../src/http/metrics.ts';
import type { RpcOutcomeLabel } from '../src/rpc/observed-dispatcher.ts';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
const known = new Set(['query.system.info', 'command.trade_order.submit', 'query.instrument.list']);

/** The series prom-client's metrics print for the calls (what metrics.ts exported before it tallied in place). */
async function promClientSeries(calls: Array<[string, RpcOutcomeLabel, number]>): Promise<string[]> {
  const registry = new Registry();
  const counter = new Counter({ name: 'cadenza_rpc_calls_total', help: 'RPC calls by method and outcome', labelNames: ['method', 'outcome'], registers: [registry] });
  const histogram = new Histogram({ name: 'cadenza_rpc_duration_seconds', help: 'RPC handling time by method (from dispatch to the answer, durable writes included)', labelNames: ['method'], buckets: BUCKETS, registers: [registry] });
  for (const [method, outcome, seconds] of calls) {
    const m = known.has(method) ? method : 'unknown';
    counter.inc({ method: m, outcome });
    histogram.observe({ method: m }, seconds);
  }
  return rpcLines(await registry.metrics());
}

const rpcLines = (text: string) => text.split('\n').filter((l) => l.includes('cadenza_rpc_')).sort();

test('RPC call counts and durations: the same series and values as prom-client gives, unknown methods under one label', async () => {
  // Work-counted calls over every outcome, known and invented methods, and durations on, between and past the bounds.
  const methods = [...known, 'no.such.method', 'unknown', 'another.invented'];
  const outcomes: RpcOutcomeLabel[] = ['ok', 'refused', 'protocol_error', 'exception'];
  const durations = [0, 0.0005, 0.0007, 0.001, 0.003, 0.25, 0.9, 1, 4.2, 5, 7.5, 120];
  const calls: Array<[string, RpcOutcomeLabel, number]> = [];
  for (let i = 0; i < 2000; i++) calls.push([methods[(i * 7) % methods.length]!, outcomes[(i * 3 + (i >> 4)) % outcomes.length]!, durations[(i * 5 + (i >> 3)) % durations.length]!]);

  const metrics = metricsRoutes([], known);
  const before = rpcLines(await metrics.registry.metrics());
  assert.deepEqual(before, rpcLines((await promClientSeries([])).join('\n')), 'no calls: only HELP and TYPE lines');
  const { observe } = metrics.rpc; // passed on as a plain function, as the composition root does
  for (const c of calls) observe(...c);
  const lines = rpcLines(await metrics.registry.metrics());
  assert.deepEqual(lines, await promClientSeries(calls));
  assert.ok(lines.includes('cadenza_rpc_duration_seconds_bucket{le="+Inf",method="unknown"} ' + calls.filter((c) => !known.has(c[0])).length));
  assert.ok(!lines.some((l) => l.includes('no.such.method')), 'invented names never become labels');

  metrics.registry.resetMetrics();
  assert.deepEqual(rpcLines(await metrics.registry.metrics()), before);
});
