/**
 * Bench server process: the gateway (real protocol, history on, JSON clients, connection tokens checked by
 * @cadenza/auth's verifier as the Cadenza server checks them) or a bare `ws` broadcast server. Both take
 * publications on Centrifugo's HTTP API path (`POST /api/publish` with `{channel, data}`), so one publisher drives
 * them and a real Centrifugo alike.
 * Argv: kind ('gateway' | 'bare' | 'gateway-redis'), token algorithm ('HS256' | 'ES256'), the HMAC secret or the P-256
 * public key (PEM); for 'gateway-redis' also the Redis URL, the number of workers and the scheduling ('round-robin' |
 * 'shared-handle'): this process is then the primary of a WorkerPool whose workers each run the same gateway on a
 * RedisBroker, sharing the port. IPC: {cmd:'rss'} → {rss} (after GC; the sum over the workers and the primary);
 * {cmd:'prof-start'} → {profiling}; {cmd:'prof-stop', file} → {profiled} (a CPU profile written to `file`; one
 * process only); {cmd:'exit'}; {port, pids} when listening (pids: every process of the server).
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { createPublicKey, webcrypto } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { builtInKeyResolver, createVerifier } from '@cadenza/auth';
import { Disconnect, GatewayNode, ProtocolError, RedisBroker } from '../src/index.ts';
import { WorkerPool, type WorkerScheduling } from '../src/worker-pool.ts';

const kind = process.argv[2] as 'gateway' | 'bare' | 'gateway-redis';
const alg = process.argv[3] as 'HS256' | 'ES256';
const key = process.argv[4]!;
const redisUrl = process.argv[5];
const send = (m: unknown) => process.send!(m);
const gc = (globalThis as { gc?: () => void }).gc;

if (kind === 'gateway-redis' && cluster.isPrimary) {
  await supervise(Number(process.argv[6]), process.argv[7] as WorkerScheduling);
} else {
  await serve();
}

/** The primary of 'gateway-redis': starts the workers, answers for all of them. */
async function supervise(workers: number, scheduling: WorkerScheduling): Promise<void> {
  const pool = new WorkerPool({ workers, scheduling, log: { info: () => {}, warn: (o, m) => console.error(m, o), error: (o, m) => console.error(m, o) } });
  const { port } = await pool.start();
  const fromWorker = <T>(w: Worker, msg: object, key: string) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (key in m) {
          w.off('message', on);
          resolve(m as T);
        }
      };
      w.on('message', on);
      w.send(msg);
    });
  process.on('message', async (m: { cmd: string; file?: string }) => {
    if (m.cmd === 'rss') {
      const each = await Promise.all(pool.workers().map((w) => fromWorker<{ rss: number }>(w, m, 'rss')));
      send({ rss: each.reduce((a, r) => a + r.rss, process.memoryUsage().rss) });
    } else if (m.cmd === 'prof-start') {
      send(await fromWorker(pool.workers()[0]!, m, 'profiling'));
    } else if (m.cmd === 'prof-stop') {
      send(await fromWorker(pool.workers()[0]!, m, 'profiled'));
    } else if (m.cmd === 'exit') {
      await pool.stop();
      process.exit(0);
    }
  });
  send({ port, pids: [process.pid, ...pool.pids()] });
}

async function serve(): Promise<void> {
  let publish: (channel: string, data: unknown) => Promise<unknown>;
  const http = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/publish') void onPublish(req, res);
    else res.writeHead(404).end();
  });
  http.keepAliveTimeout = 60_000;

  async function onPublish(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { channel: string; data: unknown };
      const result = await publish(body.channel, body.data);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: result ?? {} }));
    } catch (err) {
      res.writeHead(400).end(JSON.stringify({ error: { code: 107, message: String(err) } }));
    }
  }

  if (kind !== 'bare') {
    // The check the Cadenza server makes on connect (signature, exp, aud, role, sub), with the HS256 secret or the
    // ES256 public key the bench gives Centrifugo too (ES256 as a key of the built-in key ring, `kid` 'bench').
    const publicKey = alg === 'ES256' ? await webcrypto.subtle.importKey('spki', createPublicKey(key).export({ type: 'spki', format: 'der' }), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']) : undefined;
    const keys = publicKey ? builtInKeyResolver({ verificationKey: (kid) => (kid === 'bench' ? publicKey : undefined) }) : builtInKeyResolver({ secret: key });
    const verifier = createVerifier({ ...keys, issuer: undefined, now: Date.now });
    const node = new GatewayNode({
      handlers: {
        async onConnect(e) {
          try {
            const claims = await verifier.verify(e.token);
            return { identity: { userId: claims.sub, expireAt: claims.exp } };
          } catch (err) {
            if ((err as { reason?: string }).reason === 'expired') throw ProtocolError.tokenExpired();
            throw Disconnect.invalidToken();
          }
        },
        async onSubscribe() {
          return {};
        },
      },
      ...(kind === 'gateway-redis' ? { broker: new RedisBroker({ url: redisUrl!, prefix: `bench${process.ppid}` }) } : {}),
      namespaces: { bench: { historySize: 100, historyTtlSeconds: 300, forceRecovery: true } },
      limits: { maxConnections: 0, commandsPerSecond: 0 },
    });
    node.attach(http);
    publish = (channel, data) => node.publish(channel, data);
  } else {
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false, path: '/connection/websocket' });
    const clients = new Set<WebSocket>();
    wss.on('connection', (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => undefined);
    });
    publish = async (_channel, data) => {
      const frame = Buffer.from(JSON.stringify(data));
      for (const ws of clients) ws.send(frame, { binary: false });
      return {};
    };
  }

  let profiler: Session | undefined;

  process.on('message', async (m: { cmd: string; file?: string }) => {
    if (m.cmd === 'prof-start') {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      send({ profiling: true });
    } else if (m.cmd === 'prof-stop') {
      const { profile } = await profiler!.post('Profiler.stop');
      writeFileSync(m.file!, JSON.stringify(profile));
      profiler!.disconnect();
      send({ profiled: m.file });
    } else if (m.cmd === 'rss') {
      for (let i = 0; i < 3; i++) {
        gc?.();
        await new Promise((r) => setTimeout(r, 50));
      }
      send({ rss: process.memoryUsage().rss });
    } else if (m.cmd === 'exit') process.exit(0);
  });

  http.listen(0, '127.0.0.1', () => send({ port: (http.address() as AddressInfo).port }));
}
