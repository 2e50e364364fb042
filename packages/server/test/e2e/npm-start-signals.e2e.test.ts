/**
 * `npm start` and `npm run start:gateway` stop cleanly on the signals an operator sends: SIGTERM to the npm process
 * (a supervisor, `kill`) and SIGINT to its process group (Ctrl-C in a terminal, which reaches npm and the server at
 * once). The server drains — a connected official client is told 3001 shutdown — and exits 0; npm exits 0; nothing
 * keeps serving (the port is free, the server's process is gone).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { startRedis } from '@cadenza/testkit/redis-server';
import { demoToken } from './demo-token.ts';
import { DEMO_USER } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const dirs: string[] = [];
const children: ChildProcess[] = [];
const clients: Centrifuge[] = [];
const serverPids: number[] = [];
after(() => {
  for (const c of clients) c.disconnect();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  for (const pid of serverPids) if (!isGone(pid)) process.kill(pid, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Started {
  npm: ChildProcess;
  /** The node process npm ran (its pid from the JSON log). */
  serverPid: number;
  port: number;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm run <script>` in its own process group, as a terminal or a supervisor would run it; resolves once it serves. */
function npmRun(script: string, env: Record<string, string>, upLine: RegExp): Promise<Started> {
  const npm = spawn('npm', ['run', '--silent', script], {
    cwd: root,
    env: { ...process.env, CADENZA_LOG_FORMAT: 'json', CADENZA_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(npm);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  let serving = false;
  return new Promise((resolve, reject) => {
    void exit.then(({ code }) => reject(new Error(`npm run ${script} exited ${code} before serving:\n${err}\n${out}`)));
    const check = () => {
      const up = upLine.exec(err);
      const pid = /"pid":(\d+)/.exec(out);
      if (!up || !pid || serving) return;
      serving = true;
      serverPids.push(Number(pid[1]));
      resolve({ npm, serverPid: Number(pid[1]), port: Number(up[1]), exit });
    };
    npm.stdout!.on('data', (d) => {
      out += d;
      check();
    });
    npm.stderr!.on('data', (d) => {
      err += d;
      check();
    });
  });
}

/** An official client connected with the demo user's token; `told` resolves with the next disconnect code it gets. */
async function connectedClient(wsUrl: string, token: string): Promise<{ told: Promise<number> }> {
  const c = new Centrifuge(wsUrl, { token, websocket: WebSocket, minReconnectDelay: 600_000, maxReconnectDelay: 600_000 });
  clients.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('connected', () => resolve());
    c.once('disconnected', (ctx) => reject(new Error(`${ctx.code} ${ctx.reason}`)));
    c.connect();
  });
  return { told: new Promise<number>((resolve) => c.once('connecting', (ctx) => resolve(ctx.code))) };
}

async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function stopsCleanly(started: Started, told: Promise<number>, send: () => void): Promise<void> {
  send();
  assert.equal(await told, 3001, 'the client is told 3001 shutdown (it reconnects to another node or later)');
  assert.deepEqual(await started.exit, { code: 0, signal: null }, 'npm exits 0: the server drained and exited 0');
  assert.ok(isGone(started.serverPid), 'the server process is gone, not orphaned');
  assert.ok(await portIsFree(started.port), 'nothing serves the port any more');
}

function serverEnv(): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-signals-'));
  dirs.push(dataDir);
  return { PORT: '0', CADENZA_HOST: '127.0.0.1', CADENZA_DATA_DIR: dataDir, CADENZA_VENUES: 'PAPER', CADENZA_PAPER_LIVELY: 'false', CADENZA_PUBLIC_URL: '' };
}

async function startedServer(): Promise<{ started: Started; told: Promise<number> }> {
  const started = await npmRun('start', serverEnv(), /is up on http:\/\/localhost:(\d+)/);
  const url = `http://127.0.0.1:${started.port}`;
  const token = await demoToken({ url, demoUser: { ...DEMO_USER } });
  return { started, told: (await connectedClient(`ws://127.0.0.1:${started.port}/connection/websocket`, token)).told };
}

test('npm start: SIGTERM to npm drains the server, tells the client 3001, exits 0 and frees the port', async () => {
  const { started, told } = await startedServer();
  await stopsCleanly(started, told, () => process.kill(started.npm.pid!, 'SIGTERM'));
});

test('npm start: Ctrl-C (SIGINT to the process group: npm and the server both get it) stops it the same way', async () => {
  const { started, told } = await startedServer();
  await stopsCleanly(started, told, () => process.kill(-started.npm.pid!, 'SIGINT'));
});

test('npm run start:gateway: SIGTERM and Ctrl-C stop a gateway node the same way', async () => {
  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-signals-core-'));
  dirs.push(dataDir);
  const proxySecret = 'a-long-shared-secret-for-the-signals-test';
  const core = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'], paper: { lively: false }, redisUrl: redis.url, proxySecret });
  try {
    const token = await demoToken(core);
    for (const send of [(npm: ChildProcess) => process.kill(npm.pid!, 'SIGTERM'), (npm: ChildProcess) => process.kill(-npm.pid!, 'SIGINT')]) {
      const started = await npmRun(
        'start:gateway',
        { PORT: '0', CADENZA_HOST: '127.0.0.1', CADENZA_UPSTREAM_URL: core.url, CADENZA_REDIS_URL: redis.url, CADENZA_PROXY_SECRET: proxySecret },
        /gateway node on ws:\/\/127\.0\.0\.1:(\d+)/,
      );
      const { told } = await connectedClient(`ws://127.0.0.1:${started.port}/connection/websocket`, token);
      await stopsCleanly(started, told, () => send(started.npm));
    }
  } finally {
    await core.close();
    await redis.stop();
  }
});
