/**
 * Bench server process: either the gateway (real protocol, history on, JSON clients) or a bare `ws` broadcast
 * server, driven by the orchestrator over IPC. Publishing runs here so IPC latency is not measured.
 * Messages: {cmd:'rss'} → {rss}; {cmd:'burst', count} → {done}; {cmd:'rate', perSecond, seconds} → {done}.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatewayNode } from '../src/index.ts';

const kind = process.argv[2] as 'gateway' | 'bare';
const CHANNEL = 'bench:fanout';
const now = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send!(m);
const gc = (globalThis as { gc?: () => void }).gc;

let publish: (data: { t: number; seq: number; pad: string }) => void;
const http = createServer((_req, res) => res.writeHead(404).end());

if (kind === 'gateway') {
  const node = new GatewayNode({
    handlers: {
      // The bench measures fan-out, not auth: any token is a user id.
      async onConnect(e) {
        return { identity: { userId: e.token || 'anonymous' } };
      },
      async onSubscribe() {
        return {};
      },
    },
    namespaces: { bench: { historySize: 100, historyTtlSeconds: 300, forceRecovery: true } },
    limits: { maxConnections: 0, commandsPerSecond: 0 },
  });
  node.attach(http);
  publish = (data) => {
    void node.publish(CHANNEL, data);
  };
} else {
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, path: '/connection/websocket' });
  const clients = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => undefined);
  });
  publish = (data) => {
    const frame = Buffer.from(JSON.stringify(data));
    for (const ws of clients) ws.send(frame, { binary: false });
  };
}

const PAD = 'x'.repeat(64); // a payload of about 100 bytes, like a ticker update

process.on('message', async (m: { cmd: string; count?: number; perSecond?: number; seconds?: number }) => {
  if (m.cmd === 'rss') {
    for (let i = 0; i < 3; i++) {
      gc?.();
      await new Promise((r) => setTimeout(r, 50));
    }
    send({ rss: process.memoryUsage().rss });
  } else if (m.cmd === 'burst') {
    // As fast as the event loop allows, yielding to I/O every few publications so sockets drain.
    for (let seq = 0; seq < m.count!; seq++) {
      publish({ t: now(), seq, pad: PAD });
      if (seq % 4 === 3) await new Promise((r) => setImmediate(r));
    }
    send({ done: true });
  } else if (m.cmd === 'rate') {
    const total = m.perSecond! * m.seconds!;
    const start = now();
    for (let seq = 0; seq < total; seq++) {
      const due = start + (seq * 1000) / m.perSecond!;
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      publish({ t: now(), seq, pad: PAD });
    }
    send({ done: true });
  } else if (m.cmd === 'exit') process.exit(0);
});

http.listen(0, '127.0.0.1', () => send({ port: (http.address() as AddressInfo).port }));
