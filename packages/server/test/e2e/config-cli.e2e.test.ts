/**
 * What an operator sees of the configuration and the logs, through the real entry points: `--help`, a bad
 * environment refused before anything starts (every bad variable named, no stack trace), `.env` read from the
 * working directory under the environment, and the log format — pretty lines and the banner on stdout on a
 * terminal (a real pseudo-terminal, through `script`), pure JSON on stdout with the banner on stderr otherwise.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allVars } from '../../src/config-vars.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const main = join(root, 'packages/server/src/main.ts');
const tsx = import.meta.resolve('tsx');
const dirs: string[] = [];
const running: ChildProcess[] = [];
after(() => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'cadenza-config-cli-'));
  dirs.push(d);
  return d;
}

/** The environment of the test runner without any CADENZA_* of its own. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CADENZA_') && k !== 'PORT' && k !== 'HOST'));
  return { ...env, ...extra };
}

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const child = spawn(command, args, { cwd: options.cwd ?? root, env: cleanEnv(options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

/** Resolves when `what()` holds, re-checked whenever the process writes; fails if it exits first. */
async function until(r: Run, what: () => boolean, label: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (what()) {
        r.child.stdout!.off('data', check);
        r.child.stderr!.off('data', check);
        resolve();
      }
    };
    r.child.stdout!.on('data', check);
    r.child.stderr!.on('data', check);
    r.child.once('exit', (code) => reject(new Error(`${label}: exited ${code}\n${r.err()}\n${r.out()}`)));
    check();
  });
}

test('npm start -- --help and npm run start:gateway -- --help list every variable with its default, and exit 0', async () => {
  const server = run('npm', ['start', '--silent', '--', '--help']);
  assert.equal(await server.exit, 0);
  for (const c of allVars.filter((v) => v.scope !== 'gateway')) assert.match(server.out(), new RegExp(`\\n {2}${c.name}\\b.*\\n {6}default: `), c.name);
  const gateway = run('npm', ['run', '--silent', 'start:gateway', '--', '--help']);
  assert.equal(await gateway.exit, 0);
  assert.match(gateway.out(), /CADENZA_UPSTREAM_URL\n {6}default: — \(required\)/);
  assert.match(gateway.out(), /\n {2}PORT\n {6}default: 8001/);
});

test('a bad environment stops the start before anything runs: every bad variable named, no stack trace', async () => {
  const r = run(process.execPath, ['--import', tsx, main], { env: { PORT: '99999', CADENZA_LOG_LEVEL: 'loud', CADENZA_DEMO_PASSWORD: 'abc', CADENZA_PAPER_LIVELY: 'maybe', CADENZA_DATA_DIR: tmp() } });
  assert.equal(await r.exit, 1);
  const err = r.err();
  assert.match(err, /^Cadenza cannot start: 4 configuration problems:\n/);
  for (const name of ['PORT=99999', 'CADENZA_LOG_LEVEL=loud', 'CADENZA_DEMO_PASSWORD (value not shown)', 'CADENZA_PAPER_LIVELY=maybe']) assert.ok(err.includes(`\n  ${name}: `), `${name} in\n${err}`);
  assert.ok(!err.includes('abc'), 'the password is not shown');
  assert.ok(!/\n\s+at /.test(err), 'no stack trace');
  assert.equal(r.out(), '');
  const gateway = run(process.execPath, ['--import', tsx, join(root, 'packages/server/src/gateway-main.ts')], { env: { CADENZA_REDIS_URL: 'http://nope' } });
  assert.equal(await gateway.exit, 1);
  assert.match(gateway.err(), /CADENZA_REDIS_URL=http:\/\/nope: must be a redis:\/\/ or rediss:\/\/ URL/);
  assert.match(gateway.err(), /CADENZA_UPSTREAM_URL is required/);
});

test('.env in the working directory is read; the environment wins over it', async () => {
  const cwd = tmp();
  writeFileSync(join(cwd, '.env'), 'CADENZA_LOG_LEVEL=loud\nCADENZA_PAPER_LIVELY=maybe\n');
  const r = run(process.execPath, ['--import', tsx, main], { cwd, env: { CADENZA_PAPER_LIVELY: 'false', CADENZA_DATA_DIR: join(cwd, 'data') } });
  assert.equal(await r.exit, 1);
  assert.match(r.err(), /^Cadenza cannot start: CADENZA_LOG_LEVEL=loud: must be one of/);
  assert.ok(!r.err().includes('CADENZA_PAPER_LIVELY'), r.err());
});

const quietServer = (dataDir: string) => ({ PORT: '0', CADENZA_DATA_DIR: dataDir, CADENZA_VENUES: 'PAPER', CADENZA_PAPER_LIVELY: 'false', CADENZA_LOG_LEVL: 'debug' });

test('not a terminal: stdout is JSON lines only (an unknown variable warned about there), the banner goes to stderr', async () => {
  const r = run(process.execPath, ['--import', tsx, main], { env: quietServer(tmp()) });
  await until(r, () => /is up on http:\/\/localhost:\d+/.test(r.err()) && r.out().includes('is up on'), 'the banner');
  process.kill(r.child.pid!, 'SIGTERM');
  assert.equal(await r.exit, 0);
  const lines = r.out().trim().split('\n');
  const records = lines.map((l) => JSON.parse(l) as { level: number; msg: string; url?: string });
  assert.ok(records.some((x) => x.level === 40 && x.msg === 'unknown variable CADENZA_LOG_LEVL is ignored — did you mean CADENZA_LOG_LEVEL?'));
  const up = records.find((x) => x.msg.startsWith('Cadenza 0.1.0 is up on'))!;
  assert.match(up.url!, /^http:\/\/localhost:\d+$/);
  assert.ok(!r.out().includes('cadenza-demo'), 'the demo password is not in the log');
  assert.match(r.err(), /\n {2}Demo user {24}demo@cadenza.dev \/ cadenza-demo\n/);
});

test('on a terminal: human-readable log lines and the banner, both on stdout', async () => {
  const env = Object.entries(quietServer(tmp())).map(([k, v]) => `${k}=${v}`).join(' ');
  // `script` runs the command on a new pseudo-terminal and copies what it writes to our stdout.
  const r = run('script', ['-qfec', `env ${env} ${process.execPath} --import ${tsx} ${main}`, '/dev/null']);
  await until(r, () => /Demo user\s+demo@cadenza.dev/.test(r.out()), 'the banner on the terminal');
  process.kill(-r.child.pid!, 'SIGTERM');
  await r.exit;
  const text = r.out().replace(/\u001b\[[0-9;]*m/g, '');
  assert.match(text, /\d\d:\d\d:\d\d\.\d{3}\] WARN: unknown variable CADENZA_LOG_LEVL is ignored — did you mean CADENZA_LOG_LEVEL\?/);
  assert.match(text, /Cadenza 0\.1\.0 is up on http:\/\/localhost:\d+/);
  assert.ok(!/^\{"level"/m.test(text), 'no JSON on a terminal');
});
