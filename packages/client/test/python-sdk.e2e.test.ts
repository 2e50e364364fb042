/**
 * The Python SDK (clients/python, `cadenza_rt`) against real servers. `pip install clients/python[test]` into a fresh
 * venv under .cache/ (rebuilt whenever the package's sources change, so the non-editable install is what is tested:
 * packaging mistakes show), then its pytest suite runs against
 * - a whole Cadenza server (PAPER + MOCK): the seed's quick start, the order-book stream, a resync after a forced gap,
 *   token refresh, reconnect, typed errors;
 * - a second server in external-auth mode that trusts the first one's auth service, as a server trusts a Supabase
 *   project: login there, use here.
 * Then the SDK's own example, clients/python/examples/quick_start.py, runs twice (reusing its account) and exits.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startServer, type RunningServer } from '@cadenza/server';
import { ensureVenv } from '@cadenza/testkit/services/python-venv';
import { sdkVenv } from './python-sdk-venv.ts';

const execFile = promisify(execFileCb);
const root = resolve(import.meta.dirname, '../../..');
const pkg = resolve(root, 'clients/python');


let python: string;
let server: RunningServer;
let external: RunningServer;
const dirs: string[] = [];
let env: NodeJS.ProcessEnv;

before(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-py-sdk-'));
  const externalDir = mkdtempSync(join(tmpdir(), 'cadenza-py-sdk-ext-'));
  dirs.push(dataDir, externalDir);
  const [py, running] = await Promise.all([
    ensureVenv(sdkVenv()),
    startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'] }),
  ]);
  python = py;
  server = running;
  // The second server trusts the first one's tokens: its JWKS, and the `iss` its tokens carry.
  const authUrl = `${server.url}/auth/v1`;
  const signedIn = (await (await fetch(`${authUrl}/token?grant_type=password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(server.demoUser) })).json()) as { access_token: string };
  const { iss } = JSON.parse(Buffer.from(signedIn.access_token.split('.')[1]!, 'base64url').toString()) as { iss: string };
  external = await startServer({ port: 0, host: '127.0.0.1', dataDir: externalDir, log: false, venues: ['PAPER'], auth: { jwksUrl: `${authUrl}/.well-known/jwks.json`, issuer: iss } });
  // httpx and websockets honour proxy variables: loopback must bypass them.
  const noProxy = ['127.0.0.1', 'localhost', process.env.NO_PROXY ?? process.env.no_proxy].filter(Boolean).join(',');
  env = {
    ...process.env,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    CADENZA_URL: server.url,
    CADENZA_EMAIL: server.demoUser!.email,
    CADENZA_PASSWORD: server.demoUser!.password,
    CADENZA_EXTERNAL_URL: external.url,
    CADENZA_AUTH_URL: authUrl,
    PYTHONDONTWRITEBYTECODE: '1',
  };
}, { timeout: 900_000 });

after(async () => {
  await external?.close();
  await server?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the installed package is the one from clients/python (pip install from the folder), typed (py.typed)', async () => {
  const { stdout } = await execFile(python, ['-c', 'import cadenza_rt, pathlib; p = pathlib.Path(cadenza_rt.__file__).parent; print(p.parent.name, (p / "py.typed").exists(), cadenza_rt.__version__)']);
  assert.equal(stdout.trim(), 'site-packages True 0.1.0');
});

test('the pytest suite of cadenza_rt passes against the live servers', async () => {
  const run = await execFile(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], { cwd: pkg, env, timeout: 300_000 }).catch((e: { stdout: string; stderr: string; code: number }) => e);
  const out = `${run.stdout}\n${run.stderr}`;
  const summary = /(\d+) passed/.exec(out);
  assert.ok(summary && !/\d+ (failed|error)/.test(out), `pytest did not pass:\n${out.slice(-6000)}`);
  assert.ok(Number(summary[1]) >= 17, `ran ${summary[1]} tests:\n${out.slice(-2000)}`);
  assert.doesNotMatch(out, /skipped/, 'nothing skipped');
});

test('examples/quick_start.py runs to the end and exits, and a second run reuses its account', async () => {
  const run = () => execFile(python, [join(pkg, 'examples/quick_start.py')], { env, timeout: 60_000 });
  const first = await run();
  assert.match(first.stdout, /^BTC\/USDT bid \d+(\.\d+)? +ask \d+(\.\d+)? +spread \d+(\.\d+)?$/m, first.stdout);
  assert.match(first.stdout, /^\d+ instruments; order FILLED 0\.01 @ \d+(\.\d+)?$/m);
  const btc = (out: string) => Number(/BTC (\d+(\.\d+)?)/.exec(out)?.[1]);
  const second = await run();
  assert.ok(btc(second.stdout) > btc(first.stdout), `the second run bought into the same account: ${btc(first.stdout)} → ${btc(second.stdout)}`);
});
