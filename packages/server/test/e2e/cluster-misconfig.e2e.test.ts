/**
 * Two Cadenza servers on one PostgreSQL set up the way an operator gets wrong first (docs/scale-out.md): each with a
 * data directory of its own (so each signed tokens with its own key) and neither Redis nor Centrifugo between them.
 * The follower says both things in its log, naming what to share, as soon as it learns who holds the domain; it
 * still forwards domain calls to the holder.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startPostgres, type TestPostgres } from '@cadenza/testkit/services/postgres-server';
import { startServer, type RunningServer } from '../../src/server.ts';

let postgres: TestPostgres;
const servers: RunningServer[] = [];
const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'cadenza-misconfig-')));
const lines: Array<{ level: number; msg: string }> = [];
let seen: () => void = () => undefined;

before(async () => {
  postgres = await startPostgres();
  const databaseUrl = await postgres.createDatabase();
  const shared = { port: 0, host: '127.0.0.1', venues: ['PAPER'], databaseUrl, proxySecret: randomBytes(24).toString('hex'), masterKey: randomBytes(32).toString('base64'), lease: { pollMs: 200 } };
  servers.push(await startServer({ ...shared, dataDir: dirs[0]!, log: false }));
  const logTo = new PassThrough();
  let buffered = '';
  logTo.on('data', (d) => {
    buffered += d;
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, i)) as { level: number; msg: string });
      buffered = buffered.slice(i + 1);
      seen();
    }
  });
  servers.push(await startServer({ ...shared, dataDir: dirs[1]!, logFormat: 'json', logLevel: 'info', logTo }));
}, { timeout: 150_000 });

after(async () => {
  for (const s of servers) await s.close();
  await postgres?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Resolves with the first log line of level error matching `re`. */
function errorLine(re: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const look = () => {
      const hit = lines.find((l) => l.level >= 50 && re.test(l.msg));
      if (hit) resolve(hit.msg);
    };
    const previous = seen;
    seen = () => (previous(), look());
    look();
  });
}

test('the follower names the unshared signing keys and the missing channel sharing, and still forwards to the holder', async () => {
  const [holder, follower] = servers as [RunningServer, RunningServer];
  assert.equal(holder.domainRole(), 'holder');
  assert.match(await errorLine(/sign access tokens with different keys/), /<data dir>\/keys\//);
  assert.match(await errorLine(/shares no channels/), /CADENZA_REDIS_URL .*CADENZA_CENTRIFUGO_API_URL/);
  assert.equal(follower.domainRole(), 'follower');
  // Forwarding works regardless: a user signed up at the follower lists instruments there, from the holder's domain.
  const base = `http://127.0.0.1:${follower.port}`;
  const signUp = await fetch(`${base}/auth/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'mis@example.com', password: 'correct-horse-battery' }) });
  const token = ((await signUp.json()) as { access_token: string }).access_token;
  const list = await fetch(`${base}/api/v3/market/instrument/list?venue=PAPER`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await list.json()) as { success: boolean; data: Array<{ symbol: string }> };
  assert.equal(list.status, 200, JSON.stringify(body));
  assert.ok(body.data.some((i) => i.symbol === 'BTC/USDT'));
});
