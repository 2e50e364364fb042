/**
 * The web console in real headless Chromium against a real server (PAPER market): a refused password, login as
 * the demo user, the BTC/USDT ladder moving, a limit order placed, listed under Open orders and cancelled, a
 * market order changing Balances, a server restart shown as stale and recovered from — and no console errors
 * except the ones a browser itself logs for the refusals the test provokes (the 400 of the wrong password, the
 * refused connections while the server is down).
 *
 * CADENZA_CONSOLE_SCREENSHOTS=docs also writes the README's screenshots (desktop 1280×800 and phone 390×844).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '@cadenza/server';
import { launchChromium } from '@cadenza/testkit/services/chromium';
import { ensureFreshBuild } from './support/fresh-build.ts';
import { freePort } from './support/free-port.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-console-e2e-'));
const screenshots = process.env.CADENZA_CONSOLE_SCREENSHOTS ? resolve(process.env.CADENZA_CONSOLE_SCREENSHOTS) : undefined;
let server: RunningServer;
let browser: Browser;
let page: Page;
/** Console errors, page errors and HTTP answers ≥ 400, with the phase they happened in. */
const problems: Array<{ phase: string; text: string }> = [];
let phase = 'start';

// One port for both lives of the server, as in a real restart (the token issuer names the port).
const start = async () => startServer({ port: (port ||= await freePort()), host: '127.0.0.1', dataDir, log: false, venues: ['PAPER'] });
let port = 0;

const table = (name: string) => page.getByRole('table', { name, exact: true });
const balanceRow = (asset: string) => table('Balances').getByRole('row').filter({ has: page.getByRole('rowheader', { name: asset, exact: true }) });
const badge = () => page.getByRole('status', { name: /^Market data:/ });

/** Text of a table's body rows, joined, for "it changed" checks. */
async function rowsText(name: string, selector: string): Promise<string> {
  return (await table(name).locator(selector).allInnerTexts()).join('\n');
}

async function waitForChange(read: () => Promise<string>, before: string, what: string): Promise<string> {
  for (let i = 0; ; i++) {
    const now = await read();
    if (now !== before) return now;
    if (i > 600) assert.fail(`${what} did not change`);
    await page.waitForTimeout(100);
  }
}

/** A failing step leaves a screenshot of what the browser showed (its path is in the failure). */
function step(fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await fn();
    } catch (err) {
      const path = join(tmpdir(), `cadenza-console-e2e-${phase}.png`);
      await page?.screenshot({ path }).catch(() => undefined);
      throw Object.assign(err as Error, { message: `${(err as Error).message}\n(screenshot: ${path})` });
    }
  };
}

before(async () => {
  ensureFreshBuild();
  server = await start();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(60_000);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push({ phase, text: m.text() });
  });
  page.on('websocket', (ws) => {
    if (!process.env.CADENZA_E2E_DEBUG) return;
    ws.on('close', () => console.error(`# ${phase}: websocket closed`));
    ws.on('socketerror', (e) => console.error(`# ${phase}: socket error ${e}`));
    ws.on('framereceived', (f) => phase === 'restart' && console.error(`# ${phase}: <- ${String(f.payload).slice(0, 300)}`));
    ws.on('framesent', (f) => phase === 'restart' && console.error(`# ${phase}: -> ${String(f.payload).slice(0, 200)}`));
  });
  page.on('response', (r) => {
    if (r.status() >= 400) void r.text().then((body) => problems.push({ phase, text: `HTTP ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname} ${body}` }), () => undefined);
  });
  page.on('pageerror', (e) => problems.push({ phase, text: `page error: ${e.message}` }));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('the web console in Chromium', () => {
  test('a wrong password is refused in words', step(async () => {
    phase = 'wrong-password';
    await page.goto(server.url);
    await page.getByLabel('Email').fill('demo@cadenza.dev');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.innerText()).trim(), 'Wrong email or password.');
  }));

  test('the demo user logs in and sees the PAPER BTC/USDT ladder update', step(async () => {
    phase = 'login';
    await page.getByLabel('Password').fill('cadenza-demo');
    await page.getByRole('button', { name: 'Log in' }).click();
    await table('Order book').waitFor();
    assert.equal(await page.getByLabel('Instrument').inputValue(), 'PAPER:BTC/USDT');
    const bids = table('Order book').locator('tbody.bids tr');
    await bids.first().waitFor();
    assert.ok((await bids.count()) >= 5, 'the ladder shows several bid levels');
    assert.ok((await table('Order book').locator('tbody.asks tr').count()) >= 5, 'and several asks');
    await badge().filter({ hasText: 'Live' }).waitFor();
    const first = await rowsText('Order book', 'tbody');
    await waitForChange(() => rowsText('Order book', 'tbody'), first, 'the order book');
    const bid = await page.getByTestId('best-bid').innerText();
    const ask = await page.getByTestId('best-ask').innerText();
    assert.ok(Number(bid.replace(/,/g, '')) < Number(ask.replace(/,/g, '')), `best bid ${bid} is below best ask ${ask}`);
  }));

  test('a funded PAPER account is created and shows its balances', step(async () => {
    phase = 'account';
    await page.getByRole('button', { name: 'New PAPER account' }).click();
    await table('Balances').getByRole('row', { name: /USDT/ }).waitFor();
    assert.match(await table('Balances').innerText(), /BTC[\s\S]*1[\s\S]*USDT[\s\S]*100,000/);
  }));

  test('a limit order appears under Open orders and is cancelled', step(async () => {
    phase = 'limit-order';
    const bestBid = Number((await page.getByTestId('best-bid').innerText()).replace(/,/g, ''));
    const price = (Math.floor(bestBid * 0.9 * 100) / 100).toFixed(2);
    await page.getByLabel('Type').selectOption({ label: 'Limit' });
    await page.getByLabel('Price', { exact: true }).fill(price);
    await page.getByLabel('Quantity').fill('0.01');
    await page.getByRole('button', { name: 'Buy', exact: true }).click();
    const shown = Number(price).toLocaleString('en-US', { minimumFractionDigits: 2 });
    const row = table('Open orders').getByRole('row').filter({ hasText: shown });
    await row.waitFor();
    assert.match(await row.innerText(), /Buy[\s\S]*Limit[\s\S]*0\.01000/);
    await row.getByRole('button', { name: /^Cancel/ }).click();
    await row.waitFor({ state: 'detached' });
    await table('Open orders').getByText('No open orders').waitFor();
    await page.getByRole('tab', { name: 'Order history' }).click();
    await table('Order history').getByRole('row').filter({ hasText: shown }).filter({ hasText: 'cancelled' }).waitFor();
    await page.getByRole('tab', { name: /Open orders/ }).click();
  }));

  test('a market order fills and Balances change without a reload', step(async () => {
    phase = 'market-order';
    const btcRow = balanceRow('BTC');
    const before = await btcRow.innerText();
    await page.getByLabel('Type').selectOption({ label: 'Market' });
    assert.equal(await page.getByLabel('Price', { exact: true }).count(), 0, 'a market order has no price field');
    await page.getByLabel('Quantity').fill('0.02');
    await page.getByRole('button', { name: 'Buy', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /filled/ }).waitFor();
    const now = await waitForChange(() => btcRow.innerText(), before, 'the BTC balance');
    assert.match(now, /1\.0\d/, `BTC went up by about 0.02 (was ${before}, now ${now})`);
    await page.getByRole('tab', { name: 'Fills' }).click();
    await table('Fills').getByRole('row').filter({ hasText: '0.02000' }).waitFor();
    await page.getByRole('tab', { name: /Open orders/ }).click();
  }));

  test('a ticket that breaks the lot rule is explained before anything is sent', step(async () => {
    phase = 'rules';
    await page.getByLabel('Type').selectOption({ label: 'Limit' });
    await page.getByLabel('Price', { exact: true }).fill('1000.00');
    await page.getByLabel('Quantity').fill('0.000001');
    await page.getByRole('button', { name: 'Sell', exact: true }).click();
    await page.getByText('Quantity must be a multiple of 0.00001.').waitFor();
    await page.getByLabel('Quantity').fill('0.01');
    await page.getByLabel('Price', { exact: true }).fill('10000000.00');
    await page.getByRole('button', { name: 'Buy', exact: true }).click();
    // The server's refusal, in its words: the paper account cannot pay for this.
    await page.getByRole('alert').filter({ hasText: /insufficient USDT/i }).waitFor();
  }));

  if (screenshots) {
    test('screenshots for the README', step(async () => {
      phase = 'screenshots';
      // A working screen: two resting orders around the touch and a ticket being filled in.
      const bid = Number((await page.getByTestId('best-bid').innerText()).replace(/,/g, ''));
      for (const [side, factor, qty] of [['Buy', 0.985, '0.05'], ['Sell', 1.02, '0.03']] as const) {
        await page.getByLabel('Price', { exact: true }).fill((Math.round(bid * factor * 100) / 100).toFixed(2));
        await page.getByLabel('Quantity').fill(qty);
        await page.getByRole('button', { name: side, exact: true }).click();
        await page.getByRole('status').filter({ hasText: /working/ }).waitFor();
      }
      await page.getByLabel('Price', { exact: true }).fill(bid.toFixed(2));
      await page.getByLabel('Quantity').fill('0.01');
      await page.getByLabel('Price', { exact: true }).focus();
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(screenshots, 'console-desktop.png') });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(1000);
      await page.screenshot({ path: join(screenshots, 'console-phone.png') });
      await page.setViewportSize({ width: 1280, height: 800 });
    }));
  }

  test('a server restart shows the stream as stale, then the console recovers by itself', step(async () => {
    phase = 'restart';
    await server.close();
    await badge().filter({ hasText: 'Stale' }).waitFor();
    assert.equal(await table('Order book').getAttribute('aria-busy'), 'true');
    server = await start();
    await badge().filter({ hasText: 'Live' }).waitFor();
    phase = 'recovered';
    const first = await rowsText('Order book', 'tbody');
    await waitForChange(() => rowsText('Order book', 'tbody'), first, 'the order book after the restart');
    // The account channel is back too: a new order shows up live.
    await page.getByLabel('Type').selectOption({ label: 'Market' });
    await page.getByLabel('Quantity').fill('0.01');
    const btcRow = balanceRow('BTC');
    const before = await btcRow.innerText();
    await page.getByRole('button', { name: 'Sell', exact: true }).click();
    await waitForChange(() => btcRow.innerText(), before, 'the BTC balance after the restart');
  }));

  test('works at phone size: ticket, ladder and balances on one column', step(async () => {
    phase = 'phone';
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ['Order book', 'Balances', 'Open orders']) assert.ok(await table(name).isVisible(), `${name} is shown`);
    const buy = await page.getByRole('button', { name: 'Buy', exact: true }).boundingBox();
    assert.ok(buy && buy.x >= 0 && buy.x + buy.width <= 390, 'the Buy button fits the screen');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok(Number(width) <= 390, `no horizontal scrolling (page is ${String(width)} px wide)`);
  }));

  test('signing out returns to the login screen', step(async () => {
    phase = 'sign-out';
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  }));

  test('a new user signs up, lands in the console with no account yet, and signs out', step(async () => {
    phase = 'sign-up';
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(`trader-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('a-long-enough-password');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('button', { name: 'New PAPER account' }).waitFor();
    assert.match(await page.getByText('No PAPER account yet.').innerText(), /No PAPER account yet/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  }));

  test('no console errors and no failed requests, except the refusals the test caused', () => {
    const expected = (p: { phase: string; text: string }) =>
      (p.phase === 'wrong-password' && /status of 400|^HTTP 400 POST \/auth\/v1\/token .*invalid_credentials/.test(p.text)) ||
      (p.phase === 'restart' && /(WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE)/.test(p.text));
    assert.deepEqual(problems.filter((p) => !expected(p)), []);
  });
});
