/**
 * docs/otc.md's curl session is run as a reader would run it: the first `sh` block under "A quick run with curl",
 * exactly as printed (only its `CADENZA=` line gives way to the test server's address), through bash and the real
 * curl and jq, with an administrator's and a trader's token. The QUOTED order must fill at the quoted price, the
 * trader's portfolio show what it bought, and the dealer's hedge appear on its PAPER account.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { restHarness } from './rest-harness.ts';

const run = promisify(execFile);
const h = await restHarness();

function guideSession(): string {
  const doc = readFileSync(new URL('../../../../docs/otc.md', import.meta.url), 'utf8');
  const from = doc.indexOf('## A quick run with curl');
  const block = /```sh\n([\s\S]*?)```/.exec(doc.slice(from))?.[1];
  assert.ok(from >= 0 && block, 'docs/otc.md has its curl session');
  return block.split('\n').filter((line) => !line.startsWith('CADENZA=')).join('\n');
}

test("docs/otc.md's curl session runs as printed: a dealer, a funded trader, an RFQ, the QUOTED fill, the hedge", async () => {
  const admin = await h.user('guide-admin', { admin: true });
  const trader = await h.user('guide-trader');
  const script = `set -euo pipefail\n${guideSession()}\necho "HEDGE=$HEDGE"\n`;
  const { stdout } = await run('bash', ['-c', script], { env: { ...process.env, CADENZA: h.server.url, ADMIN_TOKEN: admin.accessToken, TOKEN: trader.accessToken } });
  const lines = stdout.trim().split('\n');
  const fill = lines.map((l) => (l.startsWith('{"status"') ? JSON.parse(l) : undefined)).find(Boolean) as { status: string; executedQuantity: string; executedPrice: string; quoteId: string };
  assert.ok(fill, stdout);
  assert.equal(fill.status, 'FILLED', stdout);
  assert.equal(fill.executedQuantity, '0.05');
  const balances = JSON.parse(lines.find((l) => l.startsWith('[{"securitySymbol"'))!) as Array<{ securitySymbol: string; total: string }>;
  assert.equal(balances.find((b) => b.securitySymbol === 'BTC')?.total, '0.05');
  assert.ok(lines.every((l) => !l.includes('"errno":1') && !l.includes('"success":false')), stdout);

  // The hedge is sent right after the fill commits; the PAPER account shows it as an ordinary MARKET order.
  const hedge = lines.find((l) => l.startsWith('HEDGE='))!.slice('HEDGE='.length);
  let orders: Array<{ orderSide: string; orderType: string; quantity: string }> = [];
  for (let attempt = 0; attempt < 600 && orders.length === 0; attempt++) {
    if (attempt > 0) await delay(50);
    orders = (await h.api('listTradeOrders', { token: admin.accessToken, query: { tradingAccountId: hedge } })).body.data;
  }
  assert.deepEqual(orders.map((o) => [o.orderSide, o.orderType, o.quantity]), [['BUY', 'MARKET', '0.05']]);
});
