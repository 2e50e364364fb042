/**
 * Bench load process: opens N WebSocket connections on loopback (source addresses spread over 127.0.0.2–9 so
 * ephemeral ports never run out) with a lean client, speaks the gateway's JSON protocol (connect + subscribe in one
 * frame, pongs) or nothing (bare ws), and measures deliveries and publish→receive latency.
 * Messages: {cmd:'expect', count, mode:'throughput'|'latency'} → {armed}, later {received, elapsedMs, p50, p99}.
 */
import { performance } from 'node:perf_hooks';
import { LeanConnection } from './lean-ws-client.ts';

const [kind, portArg, nArg] = process.argv.slice(2) as ['gateway' | 'bare', string, string];
const port = Number(portArg);
const N = Number(nArg);
const now = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send!(m);

let mode: 'idle' | 'throughput' | 'latency' = 'idle';
let expected = 0;
let received = 0;
let firstT = 0;
let lastAt = 0;
let latencies: Float64Array = new Float64Array(0);
let finish: (() => void) | undefined;
const subscribedWaiters = new Map<LeanConnection, () => void>();

const T_KEY = Buffer.from('"t":');
const SUBSCRIBED = Buffer.from('"id":2,"subscribe"');

/** Reads the publication's send time (`"t":<ms>`) without parsing the whole message. */
function sentAt(payload: Buffer): number {
  const i = payload.indexOf(T_KEY);
  if (i === -1) return NaN;
  let end = i + 4;
  while (end < payload.length && ((payload[end]! >= 0x30 && payload[end]! <= 0x39) || payload[end] === 0x2e)) end++;
  return Number(payload.toString('latin1', i + 4, end));
}

const handlers = {
  onMessage(conn: LeanConnection, payload: Buffer): void {
    if (payload.length <= 2) {
      conn.sendText('{}'); // gateway ping → pong
      return;
    }
    if (payload[0] === 0x7b && payload[2] === 0x69 && payload[3] === 0x64) {
      // Replies ({"id":…}, possibly several in one frame); reply 2 means the subscription is live.
      if (payload.includes(SUBSCRIBED)) subscribedWaiters.get(conn)?.();
      return;
    }
    if (mode === 'idle') return;
    const at = now();
    if (received === 0) firstT = sentAt(payload);
    if (mode === 'latency') latencies[received] = at - sentAt(payload);
    received++;
    lastAt = at;
    if (received === expected) finish?.();
  },
};

function open(i: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const conn = new LeanConnection('127.0.0.1', port, '/connection/websocket', `127.0.0.${2 + (i % 8)}`, handlers, (err) => {
      if (err) return reject(err);
      if (kind === 'bare') return resolve();
      subscribedWaiters.set(conn, () => {
        subscribedWaiters.delete(conn);
        resolve();
      });
      conn.sendText(`{"id":1,"connect":{"token":"u${i}","name":"bench"}}\n{"id":2,"subscribe":{"channel":"bench:fanout"}}`);
    });
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      while (next < N) await open(next++);
    }),
  );
  send({ ready: true, setupMs: Date.now() - started });
}

process.on('message', (m: { cmd: string; count?: number; mode?: 'throughput' | 'latency' }) => {
  if (m.cmd !== 'expect') return;
  mode = m.mode!;
  expected = m.count!;
  received = 0;
  latencies = new Float64Array(mode === 'latency' ? expected : 0);
  const timer = setTimeout(() => finish?.(), 60_000);
  finish = () => {
    clearTimeout(timer);
    finish = undefined;
    mode = 'idle';
    const sorted = Array.from(latencies.subarray(0, received)).sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
    send({ received, elapsedMs: lastAt - firstT, p50: pct(50), p99: pct(99) });
  };
  send({ armed: true });
});

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
