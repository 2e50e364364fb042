/**
 * @module services/redis-server
 * A throwaway redis-server for tests: one per test file, on a free 127.0.0.1 port, in a temp dir, no persistence.
 * When the machine has no redis-server (a fresh CI machine), it is installed once from Debian's registry with
 * apt-get (the machines run as root); concurrent test files wait on one lock file, so one installs and the others
 * find it installed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.ts';
import { stopProcess } from './stop-process.ts';

export interface TestRedis {
  url: string;
  port: number;
  /** The server process id (for /proc/<pid>/… readings). */
  pid: number;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

function findBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  for (const d of dirs) {
    const p = join(d, 'redis-server');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

// `apt-get install` first with the lists the machine has; `apt-get update` only when that fails (no lists / stale).
const INSTALL = `
if command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends redis-server >/tmp/cadenza-redis-install.log 2>&1 || {
  apt-get update -q >>/tmp/cadenza-redis-install.log 2>&1 &&
  apt-get install -y -q --no-install-recommends redis-server >>/tmp/cadenza-redis-install.log 2>&1
} || { tail -20 /tmp/cadenza-redis-install.log >&2; exit 1; }
`;

let installing: Promise<string> | undefined;

/** The path of redis-server, installing it (once per machine) when missing. */
export function ensureRedisServer(): Promise<string> {
  const found = findBinary();
  if (found) return Promise.resolve(found);
  installing ??= new Promise<string>((resolve, reject) => {
    const started = Date.now();
    execFile('flock', ['/tmp/cadenza-redis-install.lock', 'sh', '-c', INSTALL], { timeout: 300_000 }, (err, _out, stderr) => {
      const bin = findBinary();
      if (err || !bin) {
        reject(new Error(`could not install redis-server with apt-get: ${err?.message ?? 'not on PATH after install'}\n${stderr}`));
        return;
      }
      process.stderr.write(`# redis-server ready after ${((Date.now() - started) / 1000).toFixed(1)} s (apt-get install)\n`);
      resolve(bin);
    });
  });
  return installing;
}

function launch(bin: string, port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', '--loglevel', 'notice'];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start in 10 s:\n${out}`)), 10_000);
    function fail(err: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    }
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${out}`)));
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  });
}

/** Starts a private redis-server; call `stop()` in `after()`. */
export async function startRedis(): Promise<TestRedis> {
  const bin = await ensureRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;
  // A port found free can be taken before redis binds it: try a few.
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(bin, port, dir);
    } catch (err) {
      if (attempt >= 2) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const proc = child;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: proc.pid!,
    stop: async () => {
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
