/**
 * The console keeps its session in the browser: a reload stays logged in, and with 35-second access tokens
 * supabase-js refreshes the session by itself while centrifuge-js hands each new token to the server (a `refresh`
 * command on the open WebSocket) — the console stays live and keeps trading, with no console error on the way.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '@cadenza/server';
import { launchChromium } from '@cadenza/testkit/services/chromium';
import { ensureFreshBuild } from './support/fresh-build.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];
/** Tokens the page sent in centrifuge `refresh` commands, as they are sent. */
const refreshed: string[] = [];
let onRefresh: () => void = () => undefined;

before(async () => {
  ensureFreshBuild();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'cadenza-console-session-')), log: false, venues: ['PAPER'], auth: { accessTokenTtlSeconds: 35 } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(120_000);
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`));
  page.on('websocket', (ws) =>
    ws.on('framesent', (f) => {
      const token = /"refresh":\{"token":"([^"]+)"/.exec(String(f.payload))?.[1];
      if (token) {
        refreshed.push(token);
        onRefresh();
      }
    }),
  );
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const storedToken = () => page.evaluate(`JSON.parse(localStorage.getItem('cadenza-console-auth')).access_token`) as Promise<string>;

test('a reload keeps the session; short-lived tokens are refreshed in the browser and handed to the connection', async () => {
  await page.goto(server.url);
  await page.getByLabel('Email').fill('demo@cadenza.dev');
  await page.getByLabel('Password').fill('cadenza-demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'New PAPER account' }).click();
  await page.getByRole('table', { name: 'Balances' }).getByRole('row', { name: /USDT/ }).waitFor();

  await page.reload();
  await page.getByRole('table', { name: 'Order book' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Log in' }).count(), 0, 'still logged in after a reload');
  const first = await storedToken();

  // centrifuge-js asks for a token before the server's TTL runs out; it must be a newer one than the first.
  await new Promise<void>((resolve) => {
    onRefresh = () => refreshed.some((t) => t !== first) && resolve();
    onRefresh();
  });
  assert.notEqual(await storedToken(), first, 'supabase-js refreshed the stored session');
  await page.getByRole('status', { name: /^Market data:/ }).filter({ hasText: 'Live' }).waitFor();

  const btc = page.getByRole('table', { name: 'Balances' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'BTC', exact: true }) });
  const total = btc.getByRole('cell').last();
  const before = await total.innerText();
  await page.getByLabel('Type').selectOption({ label: 'Market' });
  await page.getByLabel('Quantity').fill('0.01');
  await page.getByRole('button', { name: 'Buy', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /filled/ }).waitFor();
  // The portfolio push arrives over the refreshed connection: the BTC total changes.
  await total.filter({ hasNotText: new RegExp(`^${before.replace(/[.,]/g, '\\$&')}$`) }).waitFor();
  assert.notEqual(await total.innerText(), before);
  assert.deepEqual(problems, []);
});
