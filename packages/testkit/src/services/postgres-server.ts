/**
 * @module services/postgres-server
 * A throwaway PostgreSQL 15+ for tests and benchmarks: `initdb` into a temp dir, started on a free 127.0.0.1 port
 * (TCP only, trust auth for the `postgres` role), stopped and removed by `stop()`.
 *
 * - The binaries come from Debian's `postgresql` package (`/usr/lib/postgresql/<major>/bin`, the newest major ≥ 15);
 *   when missing it is installed once with apt-get (concurrent test files wait on one lock file).
 * - PostgreSQL refuses to run as root: when the tests run as root, the cluster belongs to the `postgres` system
 *   user (created when missing) and is started through `runuser`.
 * - The server dies with the process that started it: a watchdog shell holds a pipe from this process and shuts
 *   the cluster down (fast) when the pipe closes, so a test killed mid-run leaves no server behind.
 * - `fsync` is off unless asked for (`durable: true`): a test kills Cadenza, not the machine. Benchmarks turn it on.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';

export interface PostgresOptions {
  /** fsync and full-page writes on (PostgreSQL's defaults). Default false: a faster throwaway cluster. */
  durable?: boolean;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string | number>;
}

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (the maintenance database). */
  url: string;
  port: number;
  /** Creates an empty database and answers its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Shuts the server down (fast: open connections are cut) but keeps its data: `start()` brings it back on the same port. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const MIN_MAJOR = 15;

/** The bin directory of the newest installed PostgreSQL ≥ 15, if any. */
function findBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .map(Number)
    .filter((m) => Number.isInteger(m) && m >= MIN_MAJOR && existsSync(join(root, String(m), 'bin', 'initdb')))
    .sort((a, b) => b - a);
  return majors.length ? join(root, String(majors[0]), 'bin') : undefined;
}

// `apt-get install` first with the lists the machine has; `apt-get update` only when that fails (no lists / stale).
const INSTALL = `
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends postgresql >/tmp/cadenza-postgres-install.log 2>&1 || {
  apt-get update -q >>/tmp/cadenza-postgres-install.log 2>&1 &&
  apt-get install -y -q --no-install-recommends postgresql >>/tmp/cadenza-postgres-install.log 2>&1
} || { tail -20 /tmp/cadenza-postgres-install.log >&2; exit 1; }
`;

let installing: Promise<string> | undefined;

/** The PostgreSQL bin directory, installing the package (once per machine) when missing. */
export function ensurePostgres(): Promise<string> {
  const found = findBinDir();
  if (found) return Promise.resolve(found);
  installing ??= new Promise<string>((resolve, reject) => {
    const started = Date.now();
    execFile('flock', ['/tmp/cadenza-postgres-install.lock', 'sh', '-c', INSTALL], { timeout: 600_000 }, (err, _out, stderr) => {
      const bin = findBinDir();
      if (err || !bin) {
        reject(new Error(`could not install PostgreSQL ${MIN_MAJOR}+ with apt-get: ${err?.message ?? 'no /usr/lib/postgresql/*/bin after install'}\n${stderr}`));
        return;
      }
      process.stderr.write(`# postgresql ready after ${((Date.now() - started) / 1000).toFixed(1)} s (apt-get install)\n`);
      resolve(bin);
    });
  });
  return installing;
}

/** Who runs the cluster: this process's user, or (as root) the `postgres` system user, created when missing. */
function clusterUser(): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g'), name: 'postgres' };
  } catch {
    execFileSync('flock', ['/tmp/cadenza-postgres-install.lock', 'sh', '-c', 'id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/sh postgres']);
    return { uid: id('-u'), gid: id('-g'), name: 'postgres' };
  }
}

/** `argv` run as the cluster's user. */
function asClusterUser(user: ReturnType<typeof clusterUser>, argv: string[]): [string, string[]] {
  return user ? ['runuser', ['-u', user.name, '--', ...argv]] : [argv[0]!, argv.slice(1)];
}

// The watchdog: fd 3 keeps the pipe from the test process; EOF (closed by stop(), or the process died) → fast shutdown.
const WATCHDOG = `exec 3<&0
"$0" "$@" &
pg=$!
( read -r _ <&3; kill -INT $pg 2>/dev/null ) &
wait $pg`;

function launch(user: ReturnType<typeof clusterUser>, bin: string, dataDir: string, port: number, options: PostgresOptions): Promise<ChildProcess> {
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: '',
    max_connections: 200,
    shared_buffers: '64MB',
    ...(options.durable ? {} : { fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off' }),
    ...options.settings,
  };
  const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const [cmd, argv] = asClusterUser(user, ['sh', '-c', WATCHDOG, join(bin, 'postgres'), ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => fail(new Error(`postgres did not start in 30 s:\n${out}`)), 30_000);
    function fail(err: Error): void {
      clearTimeout(timer);
      child.stdin!.end();
      reject(err);
    }
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`postgres exited with ${code}:\n${out}`)));
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stderr!.off('data', onData);
        child.stderr!.resume();
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.stdin!.end();
  });
}

/** Starts a private PostgreSQL cluster; call `stop()` in `after()`. */
export async function startPostgres(options: PostgresOptions = {}): Promise<TestPostgres> {
  const bin = await ensurePostgres();
  const user = clusterUser();
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  const [cmd, argv] = asClusterUser(user, [join(bin, 'initdb'), '-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(cmd, argv, { timeout: 120_000 }, (err, _out, stderr) => (err ? reject(new Error(`initdb failed: ${err.message}\n${stderr}`)) : resolve())),
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let child: ChildProcess | undefined;
  let port = 0;
  // A port found free can be taken before postgres binds it: try a few.
  for (let attempt = 0; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(user, bin, dataDir, port, options);
    } catch (err) {
      if (attempt >= 2) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  let running: ChildProcess | undefined = child;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    port,
    async createDatabase(name = `cadenza_${process.pid}_${++databases}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    },
    async halt() {
      if (running) await stopChild(running);
      running = undefined;
    },
    async start() {
      if (!running) running = await launch(user, bin, dataDir, port, options);
    },
    async stop() {
      if (running) await stopChild(running);
      running = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
