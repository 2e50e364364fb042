/**
 * The real `cadenza` binary against the real server: login, instruments, accounts, submit/cancel, portfolio,
 * the book ladder, `--json` output and exit codes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareDecimal, multiplyDecimal } from '../../src/decimal-string.ts';
import { startServer, type RunningServer } from '@cadenza/server';

/** The package's `bin` (what `npx cadenza` runs). */
const BIN = fileURLToPath(new URL('../../bin/cadenza.mjs', import.meta.url));
let server: RunningServer;
let dataDir: string;
let configDir: string;

function cadenza(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, CADENZA_CONFIG_DIR: configDir, CADENZA_URL: server.url, CADENZA_ACCOUNT: '' }, timeout: 30_000 },
      (err, stdout, stderr) => {
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, json });
      },
    );
  });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cadenza-cli-live-'));
  configDir = mkdtempSync(join(tmpdir(), 'cadenza-cli-live-cfg-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'] });
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(configDir, { recursive: true, force: true });
});

test('a terminal session: login, instruments, account, submit, cancel, portfolio, book', async () => {
  const login = await cadenza('login', '--email', server.demoUser!.email, '--password', server.demoUser!.password);
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout, /Logged in to http:\/\/127\.0\.0\.1:\d+ as /);

  const who = await cadenza('whoami', '--json');
  assert.equal(who.code, 0, who.stderr);
  assert.equal(who.json.email, server.demoUser!.email);

  const instruments = await cadenza('instruments', '--venue', 'PAPER', '--json');
  assert.equal(instruments.code, 0, instruments.stderr);
  assert.ok(instruments.json.some((i: any) => i.instrumentId === 'PAPER:BTC/USDT'));
  const table = await cadenza('instruments', '--venue', 'PAPER');
  assert.match(table.stdout, /^INSTRUMENT\s+TYPE\s+STATUS/);
  assert.match(table.stdout, /PAPER:BTC\/USDT/);

  const created = await cadenza('accounts', 'create', '--venue', 'PAPER', '--nickname', 'cli', '--use', '--json');
  assert.equal(created.code, 0, created.stderr);
  const accountId = created.json.tradingAccountId;
  assert.equal(created.json.status, 'ACTIVE');

  const market = await cadenza('order', 'submit', 'BUY', '0.01', 'PAPER:BTC/USDT', '--wait', '--json');
  assert.equal(market.code, 0, market.stderr);
  assert.equal(market.json.status, 'FILLED');
  assert.equal(market.json.tradingAccountId, accountId);

  const limit = await cadenza('order', 'submit', 'BUY', '0.01', 'PAPER:BTC/USDT', '--price', '1000', '--json');
  assert.equal(limit.code, 0, limit.stderr);
  assert.ok(['SUBMITTED', 'ACCEPTED'].includes(limit.json.status));
  const cancel = await cadenza('order', 'cancel', limit.json.tradeOrderId, '--json');
  assert.equal(cancel.code, 0, cancel.stderr);
  const got = await cadenza('order', 'get', limit.json.tradeOrderId, '--json');
  assert.equal(got.json.status, 'CANCELLED');

  const list = await cadenza('order', 'list');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ORDER\s+INSTRUMENT/);
  assert.match(list.stdout, /FILLED/);
  assert.match(list.stdout, /CANCELLED/);

  const portfolio = await cadenza('portfolio', '--json');
  assert.equal(portfolio.code, 0, portfolio.stderr);
  assert.ok(Number(portfolio.json.balances.find((b: any) => b.securitySymbol === 'BTC').total) > 1);
  const portfolioText = await cadenza('portfolio');
  assert.match(portfolioText.stdout, /ASSET\s+FREE\s+LOCKED\s+TOTAL/);

  const book = await cadenza('book', 'PAPER', 'BTC/USDT', '--once', '--depth', '5');
  assert.equal(book.code, 0, book.stderr);
  assert.match(book.stdout, /PAPER:BTC\/USDT .* in sync/);
  assert.match(book.stdout, /spread \d/);

  const trades = await cadenza('trades', 'PAPER', 'BTC/USDT', '--count', '2', '--json');
  assert.equal(trades.code, 0, trades.stderr);
  const lines = trades.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2, 'one JSON object per trade');
  assert.equal(lines[0].instrumentId, 'PAPER:BTC/USDT');
  assert.ok(['BUY', 'SELL'].includes(lines[0].side));

  const accounts = await cadenza('accounts', '--json');
  assert.ok(accounts.json.some((a: any) => a.tradingAccountId === accountId));
  const subs = await cadenza('subscriptions', '--json');
  assert.equal(subs.code, 0, subs.stderr);
  assert.ok(Array.isArray(subs.json));
});

test('stop orders, venues the server runs, unknown instruments, and `cadenza watch` streaming an order live', async () => {
  const login = await cadenza('login', '--email', server.demoUser!.email, '--password', server.demoUser!.password);
  assert.equal(login.code, 0, login.stderr);
  const created = await cadenza('accounts', 'create', '--nickname', 'watched', '--use', '--json');
  assert.equal(created.code, 0, created.stderr);
  const accountId = created.json.tradingAccountId;

  const stop = await cadenza('order', 'submit', 'SELL', '0.01', 'PAPER:BTC/USDT', '--stop', '1000', '--json');
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(stop.json.orderType, 'STOP_LOSS');
  assert.equal(stop.json.stopPrice, '1000');
  const stopLimit = await cadenza('order', 'submit', 'SELL', '0.01', 'PAPER:BTC/USDT', '--stop', '1000', '--price', '990', '--json');
  assert.equal(stopLimit.code, 0, stopLimit.stderr);
  assert.equal(stopLimit.json.orderType, 'STOP_LOSS_LIMIT');

  const venues = await cadenza('venues', '--json');
  assert.deepEqual(venues.json, ['PAPER', 'MOCK'], 'the venues this server runs, not the contract list');
  const badVenue = await cadenza('instruments', '--venue', 'NASDAQ');
  assert.equal(badVenue.code, 2);
  assert.match(badVenue.stderr, /unknown venue "NASDAQ"; this server runs PAPER, MOCK/);
  const unknown = await cadenza('book', 'PAPER', 'NOPE/USDT', '--once');
  assert.equal(unknown.code, 4);
  assert.match(unknown.stderr, /unknown instrument PAPER:NOPE\/USDT/);
  assert.doesNotMatch(unknown.stderr, /permission/i);

  // watch: subscribed first (it says so on stderr), then an order's life and the portfolio change stream in, until
  // Ctrl-C (SIGINT) ends it cleanly.
  const watcher = spawn(process.execPath, [BIN, 'watch'], { env: { ...process.env, CADENZA_CONFIG_DIR: configDir, CADENZA_URL: server.url, CADENZA_ACCOUNT: '' } });
  let out = '';
  let err = '';
  const exited = new Promise<number>((resolve) => watcher.on('close', (code) => resolve(code ?? 1)));
  const watching = new Promise<void>((resolve) => watcher.stderr.on('data', (b) => (err += b) && /Watching account/.test(err) && resolve()));
  await watching;
  assert.match(err, new RegExp(`Watching account ${accountId}`));
  const market = await cadenza('order', 'submit', 'BUY', '0.01', 'PAPER:BTC/USDT', '--wait', '--json');
  assert.equal(market.code, 0, market.stderr);
  const filled = new RegExp(`ORDER\\s+FILLED\\s+BUY 0\\.01 PAPER:BTC/USDT MARKET  filled 0\\.01 @ \\d+.*${market.json.tradeOrderId}`);
  // The whole fill shows: the FILLED update, and a portfolio change holding the bought BTC (in whichever order the
  // account channel carries them; a fill in parts shows partial updates first).
  const btcAfterFill = () => Math.max(0, ...[...out.matchAll(/PORTFOLIO\s+DELTA\s+.*BTC (\d+\.\d+)/g)].map((m) => Number(m[1])));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch never showed the fill and its portfolio change:\n${out}\n${err}`)), 20_000);
    const check = () => filled.test(out) && btcAfterFill() >= 1.0099 && (clearTimeout(timer), resolve());
    watcher.stdout.on('data', (b) => {
      out += b;
      check();
    });
    check();
  });
  watcher.kill('SIGINT');
  assert.equal(await exited, 0, err);
  assert.match(out, /ORDER\s+SUBMITTED\s+BUY 0\.01/);
});

test('perpetuals: a 5× long on PAPER:BTC-PERP by --leverage, its book, and closing it by --position', async () => {
  const login = await cadenza('login', '--email', server.demoUser!.email, '--password', server.demoUser!.password);
  assert.equal(login.code, 0, login.stderr);
  const created = await cadenza('accounts', 'create', '--venue', 'PAPER', '--nickname', 'perps', '--use', '--json');
  assert.equal(created.code, 0, created.stderr);
  const accountId = created.json.tradingAccountId;

  const perps = await cadenza('instruments', '--venue', 'PAPER', '--symbol', 'btc-perp', '--json');
  assert.equal(perps.code, 0, perps.stderr);
  assert.deepEqual(perps.json.map((i: any) => [i.instrumentId, i.instrumentType]), [['PAPER:BTC-PERP', 'PERPETUAL']]);
  const book = await cadenza('book', 'PAPER', 'BTC-PERP', '--once', '--json');
  assert.equal(book.code, 0, book.stderr);
  assert.equal(book.json.instrumentId, 'PAPER:BTC-PERP');

  const long = await cadenza('order', 'submit', 'BUY', '0.5', 'paper:btc-perp', '--leverage', '5', '--wait', '--json');
  assert.equal(long.code, 0, long.stderr);
  assert.deepEqual([long.json.instrumentId, long.json.status, long.json.leverage], ['PAPER:BTC-PERP', 'FILLED', 5]);
  const portfolio = await cadenza('portfolio', '--json');
  assert.equal(portfolio.code, 0, portfolio.stderr);
  const position = portfolio.json.positions.find((p: any) => p.instrumentId === 'PAPER:BTC-PERP' && p.status === 'OPEN');
  assert.deepEqual([position.positionSide, position.quantity, position.positionId], ['LONG', '0.5', long.json.positionId]);
  // CROSS at 5×: the initial margin in use is a fifth of the position's value at its mark.
  const margin = portfolio.json.summary.margin;
  assert.equal(compareDecimal(multiplyDecimal(margin, '5'), multiplyDecimal(position.currentPrice, position.quantity)), 0, `margin ${margin} at ${position.currentPrice}`);

  const shown = await cadenza('order', 'get', long.json.tradeOrderId);
  assert.match(shown.stdout, /leverage\s+5×/);
  assert.match(shown.stdout, new RegExp(`position\\s+${long.json.positionId}`));

  const close = await cadenza('order', 'submit', 'SELL', '0.5', 'PAPER:BTC-PERP', '--position', long.json.positionId, '--wait', '--json');
  assert.equal(close.code, 0, close.stderr);
  assert.deepEqual([close.json.status, close.json.positionId], ['FILLED', long.json.positionId]);
  const after = await cadenza('portfolio', '--account', accountId, '--json');
  assert.equal(after.json.positions.find((p: any) => p.positionId === long.json.positionId).status, 'CLOSED');
});

test('refusals exit 4 with the AABBB code; --json puts the error on stdout', async () => {
  const r = await cadenza('order', 'submit', 'BUY', '1000000', 'PAPER:BTC/USDT', '--price', '50000', '--json');
  assert.equal(r.code, 4, r.stderr);
  assert.equal(r.json.error.type, 'rpc');
  assert.ok(r.json.error.code >= 10000);
  assert.match(r.stderr, /^error: command\.trade_order\.submit: /);
});

test('signup creates a user and logs in; the new user starts without accounts', async () => {
  const email = `cli-${Date.now()}@example.com`;
  const r = await cadenza('signup', '--email', email, '--password', 'cli-password-1', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.email, email);
  const accounts = await cadenza('accounts', '--json');
  assert.deepEqual(accounts.json, []);
  const portfolio = await cadenza('portfolio');
  assert.equal(portfolio.code, 2);
  assert.match(portfolio.stderr, /no active trading account: create one with `cadenza accounts create --venue PAPER`/);
});
