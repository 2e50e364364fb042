/**
 * Matching-engine benchmark: a book of 10,000 resting orders, then a stream of 70 % limit adds, 25 % cancels and
 * 5 % market orders (one instrument, one core). Prints operations/s (a pass without per-operation timers; wall clock,
 * and per CPU-second of this process, which is what "on one core" means on a shared machine) and
 * per-operation p50/p99 (a second pass timing every operation with process.hrtime.bigint). Market order sizes scale
 * with the book so it stays near 10,000 orders throughout.
 * Run: npm run bench:engine   (BENCH_OPS=2000000 to change the stream length)
 */
import { testEngine } from '../test/support/engine-fixture.ts';
import type { MatchingEngine } from '../src/paper/matching/matching-engine.ts';

const OPS = Number(process.env.BENCH_OPS ?? 1_500_000);
const BOOK = 10_000;
const MID = 5_000_000; // 50,000.00 at tick 0.01
const SPREAD = 1_000; // adds land within ±10.00 of the mid, never crossing it

/** Small deterministic PRNG (mulberry32) so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KIND_ADD = 0;
const KIND_CANCEL = 1;
const KIND_MARKET = 2;

interface Stream {
  kind: Uint8Array;
  buy: Uint8Array;
  price: Int32Array;
  lots: Int32Array;
  pick: Float64Array;
}

function makeStream(n: number, seed: number): Stream {
  const r = rng(seed);
  const s: Stream = { kind: new Uint8Array(n), buy: new Uint8Array(n), price: new Int32Array(n), lots: new Int32Array(n), pick: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const x = r();
    s.kind[i] = x < 0.7 ? KIND_ADD : x < 0.95 ? KIND_CANCEL : KIND_MARKET;
    const buy = r() < 0.5;
    s.buy[i] = buy ? 1 : 0;
    const offset = 1 + Math.floor(r() * SPREAD);
    s.price[i] = buy ? MID - offset : MID + offset;
    // Market orders take about nine resting orders (scaled in `step` to hold the book near its starting size).
    s.lots[i] = s.kind[i] === KIND_MARKET ? 1 + Math.floor(r() * 100) : 1 + Math.floor(r() * 10);
    s.pick[i] = r();
  }
  return s;
}

interface World {
  engine: MatchingEngine;
  live: Int32Array;
  liveCount: number;
  nextId: number;
}

function buildBook(seed: number): World {
  const engine = testEngine('EXPIRE_MAKER');
  const w: World = { engine, live: new Int32Array(BOOK + OPS + 1), liveCount: 0, nextId: 1 };
  const r = rng(seed);
  for (let i = 0; i < BOOK; i++) {
    const buy = r() < 0.5;
    const offset = 1 + Math.floor(r() * SPREAD);
    const id = w.nextId++;
    engine.submit({ id, owner: 1 + (id % 50), side: buy ? 'BUY' : 'SELL', type: 'LIMIT', timeInForce: 'GTC', lots: 1 + Math.floor(r() * 10), priceTicks: buy ? MID - offset : MID + offset }, 0);
    w.live[w.liveCount++] = id;
  }
  return w;
}

function step(w: World, s: Stream, i: number): void {
  const e = w.engine;
  const kind = s.kind[i]!;
  if (kind === KIND_ADD) {
    const id = w.nextId++;
    e.submit({ id, owner: 1 + (id % 50), side: s.buy[i] ? 'BUY' : 'SELL', type: 'LIMIT', timeInForce: 'GTC', lots: s.lots[i]!, priceTicks: s.price[i]! }, 0);
    w.live[w.liveCount++] = id;
  } else if (kind === KIND_CANCEL) {
    // Cancel a random live order (dropping ids that were filled meanwhile).
    while (w.liveCount > 0) {
      const k = Math.floor(s.pick[i]! * w.liveCount);
      const id = w.live[k]!;
      w.live[k] = w.live[--w.liveCount]!;
      if (e.cancel(id, 0).length) break;
    }
  } else {
    const id = w.nextId++;
    const lots = Math.max(1, Math.round((s.lots[i]! * e.book.orders.size) / BOOK));
    e.submit({ id, owner: 0, side: s.buy[i] ? 'BUY' : 'SELL', type: 'MARKET', timeInForce: 'IOC', lots }, 0);
  }
}

function throughput(s: Stream): { opsPerSec: number; opsPerCpuSec: number; bookAfter: number } {
  const w = buildBook(7);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < OPS; i++) step(w, s, i);
  const ns = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = cpu.user + cpu.system;
  return { opsPerSec: (OPS / ns) * 1e9, opsPerCpuSec: (OPS / cpuUs) * 1e6, bookAfter: w.engine.book.orders.size };
}

interface Percentiles {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

function percentiles(samples: Float64Array): Percentiles {
  samples.sort();
  const n = samples.length;
  const at = (q: number) => samples[Math.min(n - 1, Math.floor(q * n))]!;
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: samples[n - 1]! };
}

function latency(s: Stream): { all: Percentiles; byKind: Percentiles[] } {
  const w = buildBook(7);
  const samples = new Float64Array(OPS);
  for (let i = 0; i < OPS; i++) {
    const t0 = process.hrtime.bigint();
    step(w, s, i);
    samples[i] = Number(process.hrtime.bigint() - t0);
  }
  const byKind = [KIND_ADD, KIND_CANCEL, KIND_MARKET].map((kind) => {
    let n = 0;
    for (let i = 0; i < OPS; i++) if (s.kind[i] === kind) n++;
    const own = new Float64Array(n);
    for (let i = 0, j = 0; i < OPS; i++) if (s.kind[i] === kind) own[j++] = samples[i]!;
    return percentiles(own);
  });
  return { all: percentiles(samples), byKind };
}

const stream = makeStream(OPS, 42);
// Warm-up so the JIT has compiled the hot paths before anything is measured.
throughput(makeStream(200_000, 1));
const t = throughput(stream);
const l = latency(stream);
console.log(`matching engine: ${OPS.toLocaleString('en-US')} ops (70% limit add, 25% cancel, 5% market) on a ${BOOK.toLocaleString('en-US')}-order book`);
console.log(`  throughput: ${Math.round(t.opsPerSec).toLocaleString('en-US')} ops/s wall clock, ${Math.round(t.opsPerCpuSec).toLocaleString('en-US')} ops per CPU-second (book after: ${t.bookAfter.toLocaleString('en-US')} orders)`);
/** What the two hrtime reads cost by themselves (included in every latency sample). */
function timerOverhead(): number {
  const n = 200_000;
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    samples[i] = Number(process.hrtime.bigint() - t0);
  }
  return percentiles(samples).p50;
}

const fmt = (p: Percentiles) => `p50 ${Math.round(p.p50)} ns, p99 ${Math.round(p.p99)} ns, p99.9 ${Math.round(p.p999)} ns, max ${(p.max / 1000).toFixed(1)} µs`;
console.log(`  per-op latency (timed pass; includes ~${Math.round(timerOverhead())} ns of timer reads), all: ${fmt(l.all)}`);
console.log(`    limit add: ${fmt(l.byKind[0]!)}`);
console.log(`    cancel:    ${fmt(l.byKind[1]!)}`);
console.log(`    market:    ${fmt(l.byKind[2]!)}`);
console.log(`  node ${process.version}, ${process.arch}`);
