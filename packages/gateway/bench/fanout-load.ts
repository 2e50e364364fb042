/**
 * Bench load process: opens N WebSocket connections on loopback (source addresses spread over 127.0.0.2–65 so
 * ephemeral ports never run out, and the kernel's search for a free one stays short) with a lean client. Against the gateway and Centrifugo it speaks the client
 * protocol in JSON (connect with a token + subscribe in one frame, pongs) and reads every line of a frame (a server
 * may put several pushes in one); against the bare `ws` server every message is one delivery.
 * Argv: mode ('protocol' | 'bare'), port, token algorithm ('HS256' | 'ES256'), the HMAC secret or the P-256 private key
 * (PEM) the tokens are signed with.
 * Messages: {cmd:'open', count} → {signed} when the tokens are signed, {ready, setupMs} when `count` more connections are subscribed (their tokens are
 * signed before the clock starts: the instrument's signing is no part of either server's setup);
 * {cmd:'expect', count, mode:'throughput'|'latency'} → {armed}, later {received, elapsedMs, p50, p99}.
 */
import { createHmac, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LeanConnection } from './lean-ws-client.ts';

const [wire, portArg, alg, key] = process.argv.slice(2) as ['protocol' | 'bare', string, 'HS256' | 'ES256', string];
const port = Number(portArg);
let opened = 0;
const now = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send!(m);

let mode: 'idle' | 'throughput' | 'latency' = 'idle';
let expected = 0;
let received = 0;
let firstT = Infinity;
let lastAt = 0;
let latencies: Float64Array = new Float64Array(0);
let finish: (() => void) | undefined;
const subscribedWaiters = new Map<LeanConnection, () => void>();

const T_KEY = Buffer.from('"t":');
const SUBSCRIBED = Buffer.from('"id":2,"subscribe"');
const LF = 0x0a;

const privateKey = alg === 'ES256' ? createPrivateKey(key) : undefined;

/**
 * A connection token both servers accept: a UUID subject, the audience and role Cadenza's verifier wants; HS256 with
 * the shared secret, or ES256 (what Cadenza's sign-in issues) with `kid` 'bench'.
 */
function token(): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const header = alg === 'ES256' ? { alg, typ: 'JWT', kid: 'bench' } : { alg, typ: 'JWT' };
  const body = `${b64(header)}.${b64({ sub: randomUUID(), aud: 'authenticated', role: 'authenticated', iat, exp: iat + 3600 })}`;
  const signature = privateKey
    ? sign('sha256', Buffer.from(body), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')
    : createHmac('sha256', key).update(body).digest('base64url');
  return `${body}.${signature}`;
}

/** Reads a publication's send time (`"t":<ms>`) without parsing the message. */
function sentAt(buf: Buffer, start: number, end: number): number {
  const i = buf.indexOf(T_KEY, start);
  if (i === -1 || i >= end) return NaN;
  let e = i + 4;
  while (e < end && ((buf[e]! >= 0x30 && buf[e]! <= 0x39) || buf[e] === 0x2e)) e++;
  return Number(buf.toString('latin1', i + 4, e));
}

function delivered(buf: Buffer, start: number, end: number): void {
  if (mode === 'idle') return;
  const at = now();
  const t = sentAt(buf, start, end);
  if (t < firstT) firstT = t;
  if (mode === 'latency') latencies[received] = at - t;
  received++;
  lastAt = at;
  if (received === expected) finish?.();
}

const handlers = {
  onMessage(conn: LeanConnection, payload: Buffer): void {
    if (wire === 'bare') return delivered(payload, 0, payload.length);
    for (let start = 0; start < payload.length; ) {
      let end = payload.indexOf(LF, start);
      if (end === -1) end = payload.length;
      if (end - start === 2) conn.sendText('{}'); // a ping ({}) → pong
      else if (payload[start + 2] === 0x69 && payload[start + 3] === 0x64) {
        // A reply ({"id":…}); reply 2 means the subscription is live.
        const i = payload.indexOf(SUBSCRIBED, start);
        if (i !== -1 && i < end) subscribedWaiters.get(conn)?.();
      } else delivered(payload, start, end);
      start = end + 1;
    }
  },
};

/**
 * Each source address binds from its own ephemeral range, and a bind to port 0 scans that range for a free port:
 * with 8 addresses, a run's sockets in TIME_WAIT (40,000–60,000 after a few steps) filled most of the half of each
 * range the kernel searches first, and steps stalled with the load process's CPU per connection at 5–10× its usual.
 */
const SOURCE_ADDRESSES = 64;

function open(i: number, token: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const conn = new LeanConnection('127.0.0.1', port, '/connection/websocket', `127.0.0.${2 + (i % SOURCE_ADDRESSES)}`, handlers, (err) => {
      if (err) return reject(err);
      if (wire === 'bare') return resolve();
      subscribedWaiters.set(conn, () => {
        subscribedWaiters.delete(conn);
        resolve();
      });
      conn.sendText(`{"id":1,"connect":{"token":"${token}","name":"bench"}}\n{"id":2,"subscribe":{"channel":"bench:fanout"}}`);
    });
  });
}

/** Opens `count` more connections, 200 at a time. */
async function openMore(count: number): Promise<void> {
  const tokens = wire === 'bare' ? [] : Array.from({ length: count }, token);
  send({ signed: true });
  const started = now();
  const end = opened + count;
  const first = opened;
  await Promise.all(
    Array.from({ length: Math.min(200, count) }, async () => {
      while (opened < end) {
        const i = opened++;
        await open(i, tokens[i - first] ?? '');
      }
    }),
  );
  send({ ready: true, setupMs: now() - started });
}

process.on('message', (m: { cmd: string; count?: number; mode?: 'throughput' | 'latency' }) => {
  if (m.cmd === 'open') {
    openMore(m.count!).catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
    return;
  }
  if (m.cmd !== 'expect') return;
  mode = m.mode!;
  expected = m.count!;
  received = 0;
  firstT = Infinity;
  latencies = new Float64Array(mode === 'latency' ? expected : 0);
  const timer = setTimeout(() => finish?.(), 60_000);
  finish = () => {
    clearTimeout(timer);
    finish = undefined;
    mode = 'idle';
    const sorted = latencies.subarray(0, received).sort();
    const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
    send({ received, elapsedMs: lastAt - firstT, p50: pct(50), p99: pct(99) });
  };
  send({ armed: true });
});
