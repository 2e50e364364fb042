/**
 * The OTC desk survives SIGKILL: a real server process takes RFQs, QUOTED orders and wallet transfers from the
 * official client at full speed and is killed at a random moment. Restarted on the same data: every acknowledged
 * QUOTED order is FILLED and its quote ACCEPTED (asked again by its quoteRequestId), every acknowledged transfer is
 * in the balance it went to, each trader wallet holds exactly its deposit plus the fills stored, and every asset sums
 * to zero over all the desk's wallets (money only ever came from the ACCOUNTING treasury).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import type { Centrifuge } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { dec, str, type Dec } from '@cadenza/domain';
import { bootServer, call, connectAs, type BootedServer } from './crash-scenario.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const WORKERS = 4;
const DEPOSIT = { USDT: '1000000', BTC: '100' };

test('SIGKILL during RFQs, QUOTED fills and transfers loses nothing acknowledged; the ledger still balances', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-otc-crash-'));
  const children: ChildProcess[] = [];
  const sockets: Centrifuge[] = [];
  try {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    console.log(`otc crash-safety seed ${seed} (CRASH_SEED=${seed} to replay)`);
    const first = await bootServer({}, dataDir, children);
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'packages/server/src/admin/admin.ts', 'grant-admin', first.email, '--data-dir', dataDir], { cwd: root });
    const trader = { email: `otc-crash-${seed}@example.com`, password: 'correct-horse-battery-staple' };
    const signUp = await createClient(first.url, 'anon', { auth: { persistSession: false }, realtime: { transport: WebSocket as never } }).auth.signUp(trader);
    assert.equal(signUp.error, null, signUp.error?.message);
    const [admin, client] = [await connectAs(first, first.email, first.password, sockets), await connectAs(first, trader.email, trader.password, sockets)];

    const hedging = (await call(admin, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'hedging' } })).tradingAccountId;
    const dealer = await call(admin, 'command.fermata.dealer.create', { name: 'Crash desk', baseCurrencies: ['USDT'] });
    await call(admin, 'command.fermata.dealer.link', { dealerAccountId: dealer.dealerAccountId, tradingAccountId: hedging });
    const treasury = await call(admin, 'command.fermata.wallet.create', { nickname: 'treasury' });
    const wallets: Array<{ walletId: string; account: string }> = [];
    for (let k = 0; k < WORKERS; k++) {
      const w = await call(client, 'command.fermata.wallet.create', { nickname: `crash ${k}` });
      for (const [asset, amount] of Object.entries(DEPOSIT)) await call(admin, 'command.fermata.wallet.transfer', { sourceWalletId: treasury.walletId, destWalletId: w.walletId, asset, amount });
      wallets.push({ walletId: w.walletId, account: w.metadata.tradingAccountId });
    }
    const spare = await call(client, 'command.fermata.wallet.create', { nickname: 'spare' });

    const fills = new Map<string, { quoteRequestId: string; account: string; tradeOrderId: string }>();
    let transfers = 0;
    let transfersSent = 0;
    let stop = false;
    const trade = async (k: number) => {
      for (let n = 0; !stop; n++) {
        const quoteRequestId = `w${k}-${n}`;
        try {
          const quote = await call(client, 'command.quote.rfq', { dealerAccountId: dealer.dealerAccountId, traderAccountId: wallets[k]!.account, instrumentId: 'BTC/USDT', orderSide: n % 2 ? 'SELL' : 'BUY', quantity: '0.001', quoteRequestId });
          const order = await call(client, 'command.trade_order.submit', { tradingAccountId: wallets[k]!.account, tradeOrder: { orderType: 'QUOTED', quoteId: quote.quoteId } });
          fills.set(quote.quoteId, { quoteRequestId, account: wallets[k]!.account, tradeOrderId: order.tradeOrderId });
        } catch {
          if (stop) return;
        }
      }
    };
    const fund = async () => {
      while (!stop) {
        transfersSent++;
        try {
          await call(admin, 'command.fermata.wallet.transfer', { sourceWalletId: treasury.walletId, destWalletId: spare.walletId, asset: 'USDT', amount: '1' });
          transfers++;
        } catch {
          if (stop) return;
        }
      }
    };
    const workers = [...Array.from({ length: WORKERS }, (_, k) => trade(k)), fund()];
    while (fills.size < 20 || transfers < 5) await new Promise((r) => setTimeout(r, 5));
    let rnd = seed;
    await new Promise((r) => setTimeout(r, 100 + ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 1000));
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    stop = true;
    await exited;
    for (const c of sockets) c.disconnect();
    await Promise.allSettled(workers);

    const second: BootedServer = await bootServer({}, dataDir, children);
    const [admin2, client2] = [await connectAs(second, first.email, first.password, sockets), await connectAs(second, trader.email, trader.password, sockets)];
    for (const [quoteId, f] of fills) {
      const order = await call(client2, 'query.trade_order.get', { tradingAccountId: f.account, tradeOrderId: f.tradeOrderId });
      assert.deepEqual([order.status, order.quoteId ?? order.externalOrderId], ['FILLED', quoteId], `acknowledged fill ${f.tradeOrderId} survived`);
      const again = await call(client2, 'command.quote.rfq', { dealerAccountId: dealer.dealerAccountId, traderAccountId: f.account, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.001', quoteRequestId: f.quoteRequestId });
      assert.deepEqual([again.quoteId, again.status], [quoteId, 'ACCEPTED'], 'the quote stays accepted');
    }

    const balances = async (c: Centrifuge, tradingAccountId: string): Promise<Record<string, Dec>> =>
      Object.fromEntries((await call(c, 'query.portfolio.get', { tradingAccountId })).balances.map((b: { securitySymbol: string; total: string }) => [b.securitySymbol, dec(b.total)]));
    const spareUsdt = (await balances(client2, spare.metadata.tradingAccountId)).USDT ?? dec(0);
    assert.ok(spareUsdt.gte(transfers) && spareUsdt.lte(transfersSent), `acknowledged transfers kept: ${str(spareUsdt)} of ${transfers} acknowledged, ${transfersSent} sent`);

    const sums: Record<string, Dec> = {};
    const count = (b: Record<string, Dec>) => { for (const [asset, v] of Object.entries(b)) sums[asset] = (sums[asset] ?? dec(0)).add(v); };
    let stored = 0;
    for (const w of wallets) {
      const expected: Record<string, Dec> = { USDT: dec(DEPOSIT.USDT), BTC: dec(DEPOSIT.BTC) };
      const orders = (await call(client2, 'query.trade_order.list', { tradingAccountId: w.account, pagination: { limit: 1000 } })) as Array<{ status: string; orderSide: string; executedQuantity: string; executedCost: string }>;
      for (const o of orders) {
        assert.equal(o.status, 'FILLED', 'a QUOTED order is filled or was never stored');
        const [q, cost] = [dec(o.executedQuantity), dec(o.executedCost)];
        expected.BTC = expected.BTC!.add(o.orderSide === 'BUY' ? q : q.neg());
        expected.USDT = expected.USDT!.sub(o.orderSide === 'BUY' ? cost : cost.neg());
      }
      stored += orders.length;
      const held = await balances(client2, w.account);
      for (const asset of ['USDT', 'BTC']) assert.equal(str(held[asset] ?? dec(0)), str(expected[asset]!), `${asset} of ${w.walletId} = deposit + stored fills`);
      count(held);
    }
    assert.ok(stored >= fills.size, `${stored} fills stored, ${fills.size} acknowledged`);
    count(await balances(client2, spare.metadata.tradingAccountId));
    count(await balances(admin2, treasury.metadata.tradingAccountId));
    count(await balances(admin2, dealer.dealerAccountId));
    for (const [asset, total] of Object.entries(sums)) assert.equal(str(total), '0', `${asset} sums to zero over the desk's wallets`);
    console.log(`acknowledged ${fills.size} fills (${stored} stored) and ${transfers} transfers; the ledger balances`);
  } finally {
    for (const c of sockets) c.disconnect();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
