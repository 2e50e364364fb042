/**
 * The real `cadenza` process against FakeCadenzaServer: how the CLI keeps its session across invocations when
 * tokens expire and refresh tokens rotate, what it prints, and its exit codes. (live/cli.e2e.test.ts drives the same
 * binary against the real server.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrderBook } from '@cadenza/contract';
import { FakeCadenzaServer } from './fake-cadenza-server.ts';

/** The package's `bin` (what `npx cadenza` runs). */
const BIN = fileURLToPath(new URL('../bin/cadenza.mjs', import.meta.url));
let server: FakeCadenzaServer;
let configDir: string;

export function runCadenza(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const book: OrderBook = { updateType: 'SNAPSHOT', instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT', orderBookType: 'L2', columns: ['price', 'quantity'], bids: [['100', '1']], asks: [['101', '2']], timestamp: 1 };

before(async () => {
  server = await FakeCadenzaServer.start();
  server.rpc.set('query.venue.list', () => ({ data: ['PAPER', 'MOCK'] }));
  server.setSnapshot('market:orderbook:PAPER:BTC/USDT', () => book);
  configDir = mkdtempSync(join(tmpdir(), 'cadenza-cli-proc-'));
});

after(async () => {
  await server.close();
  rmSync(configDir, { recursive: true, force: true });
});

const env = () => ({ CADENZA_CONFIG_DIR: configDir, CADENZA_URL: server.url });

test('login stores the session; later commands use it and save each rotated refresh token', async () => {
  const bad = await runCadenza(['login', '--email', server.email, '--password', 'wrong'], env());
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /error: Invalid login credentials/);

  const ok = await runCadenza(['login', '--email', server.email, '--password', server.password], env());
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Logged in to .* as trader@example.com/);
  const first = JSON.parse(readFileSync(join(configDir, 'session.json'), 'utf8'));

  server.expireTokens();
  const venues = await runCadenza(['venues', '--json'], { ...env(), CADENZA_URL: '' });
  assert.equal(venues.code, 0, venues.stderr);
  assert.deepEqual(JSON.parse(venues.stdout), ['PAPER', 'MOCK']);
  const second = JSON.parse(readFileSync(join(configDir, 'session.json'), 'utf8'));
  assert.notEqual(second.session.refresh_token, first.session.refresh_token, 'the rotated refresh token was saved');

  // The old refresh token is spent; the saved one still works after another expiry.
  server.expireTokens();
  const again = await runCadenza(['venues'], env());
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, 'PAPER\nMOCK\n');
  const who = await runCadenza(['whoami', '--json'], env());
  assert.equal(who.code, 0, who.stderr);
  assert.equal(JSON.parse(who.stdout).userId, server.userId);
});

test('book --once prints one ladder; --json prints the book', async () => {
  const text = await runCadenza(['book', 'PAPER', 'btc/usdt', '--once'], env());
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /PAPER:BTC\/USDT/);
  assert.match(text.stdout, /spread 1 {2}mid 100\.5/);
  const json = await runCadenza(['book', 'PAPER', 'BTC/USDT', '--json'], env());
  const parsed = JSON.parse(json.stdout);
  assert.deepEqual(parsed.bids, [{ price: '100', quantity: '1' }]);
  assert.equal(parsed.spread, '1');
});

test('an RPC the server lacks exits 1 with the Centrifugo code; logout forgets the session', async () => {
  const r = await runCadenza(['subscriptions', '--json'], env());
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.stdout).error.code, 104);
  const out = await runCadenza(['logout'], env());
  assert.equal(out.code, 0);
  const after = await runCadenza(['venues'], env());
  assert.equal(after.code, 3);
  assert.match(after.stderr, /not logged in/);
});

// The CLI gives up on a refused connection instead of retrying it; the test's own timeout is the hang guard (a CLI
// that retried would never exit), not a measure of speed.
test('a stored session whose server is down fails with a hint instead of retrying', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-cli-down-'));
  const session = { access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 3600, expires_at: Math.floor(Date.now() / 1000) + 3600, user: { id: 'u' } };
  writeFileSync(join(dir, 'session.json'), JSON.stringify({ url: 'http://127.0.0.1:9', session }));
  const r = await runCadenza(['venues'], { CADENZA_CONFIG_DIR: dir, CADENZA_URL: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error: cannot reach ws:\/\/127\.0\.0\.1:9\/connection\/websocket/);
  assert.match(r.stderr, /is the server running\?/);
  rmSync(dir, { recursive: true, force: true });
});
