/**
 * `npm run bench:orders-domain` — the domain's part of the order path alone, in one process: the order desk, the
 * ledger, the portfolio book, the real PAPER venue and the real SQLite store (a file, group-committed, as the server
 * runs it), with no gateway, no sockets and no JSON. The same workload as bench:orders (non-marketable GTC LIMIT buys
 * resting in the book, W in flight per account) so its µs/order is the domain's share of that bench's server CPU.
 * Events go to a sink that only counts them. The baseline, in the same run: the same loop reading an order
 * (`orders.get` of one from memory, then the same wait for durability), the floor of the loop itself.
 * Then an order that trades: a MARKET order filled at once against the PAPER book (order, fill, balances, position,
 * the portfolio push), sides alternating so balances stay put, beside the resting LIMIT of the same run — the fill's
 * own cost is the difference (the QUOTED accept of bench:rfq shares most of it).
 * CPU per call is the process's (every thread: the WAL checkpointer's copying too) and, on Linux, the main thread's
 * alone (its /proc task entry, 10 ms ticks), the steadier figure on a shared machine.
 * BENCH_ORDERS=n per run (default 40,000; the MARKET runs do half as many); BENCH_PROF=dir writes a CPU profile of
 * the first measured LIMIT run and of the first MARKET run; BENCH_SQLITE_PRAGMA='temp_store = MEMORY' (say) sets a
 * pragma on the store's connection before the runs, to measure a store setting without changing the store.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import type { CallerContext } from '@cadenza/domain';
import { SqliteStore } from '@cadenza/store';
import { mainThreadCpu } from './main-thread-cpu.ts';
import { startPaperDomain } from './paper-domain.ts';

const N = Number(process.env.BENCH_ORDERS ?? 40_000);
const ACCOUNTS = 8;
const W = Number(process.env.BENCH_INFLIGHT ?? 4);
const PROF_DIR = process.env.BENCH_PROF;


const dir = mkdtempSync(join(tmpdir(), 'cadenza-domain-bench-'));
try {
  const store = new SqliteStore({ path: join(dir, 'cadenza.db'), groupCommit: true });
  if (process.env.BENCH_SQLITE_PRAGMA) store.db.pragma(process.env.BENCH_SQLITE_PRAGMA);
  let events = 0;
  const cadenza = await startPaperDomain(store, () => void events++);
  const caller: CallerContext = { userId: 'a1111111-1111-4111-8111-111111111111', isAdmin: false };
  const accounts = Array.from({ length: ACCOUNTS }, () => cadenza.tradingAccounts.create(caller, { venue: 'PAPER', nickname: 'bench' } as never).tradingAccountId);
  await cadenza.durable();

  type Call = (tradingAccountId: string, a: number, i: number) => Promise<unknown>;
  const submit = (label: string): Call => (tradingAccountId, a, i) =>
    cadenza.orders.submit(caller, { tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.0005', limitPrice: '10000', timeInForce: 'GTC', clientOrderId: `${label}${a}-${i}` } as never });

  let unfilled = 0;
  const market = (label: string): Call => async (tradingAccountId, a, i) => {
    const order = await cadenza.orders.submit(caller, { tradingAccountId, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: i % 2 === 0 ? 'BUY' : 'SELL', orderType: 'MARKET', quantity: '0.0002', clientOrderId: `${label}${a}-${i}` } as never });
    if ((order as { status: string }).status !== 'FILLED') unfilled++;
    return order;
  };

  async function run(label: string, n: number, call: Call, profile?: string): Promise<number> {
    let next = 0;
    const session = profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
    }
    events = 0;
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpu();
    const t0 = performance.now();
    await Promise.all(accounts.flatMap((tradingAccountId, a) => Array.from({ length: W }, async () => {
      while (next < n) {
        const i = next++;
        await call(tradingAccountId, a, i);
        // As the RPC dispatcher does: the answer waits for the commit.
        await cadenza.durable();
      }
    })));
    await cadenza.durable();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const main = (mainThreadCpu() - main0) / n;
    if (session && profile) {
      const { profile: p } = await session.post('Profiler.stop');
      writeFileSync(profile, JSON.stringify(p));
      session.disconnect();
    }
    const perCall = (cpu.user + cpu.system) / n;
    console.log(`${label.padEnd(28)} ${String(n).padStart(6)} calls: ${perCall.toFixed(1).padStart(6)} µs CPU/call (main thread ${Number.isNaN(main) ? '—' : main.toFixed(1)}), ${String(Math.round(n / (ms / 1000))).padStart(6)}/s, ${(events / n).toFixed(2)} events/call${profile ? `  profile ${profile}` : ''}`);
    return perCall;
  }
  console.log(`bench:orders-domain — the domain, PAPER and SQLite in one process, ${ACCOUNTS} accounts × ${W} in flight${process.env.BENCH_SQLITE_PRAGMA ? `, PRAGMA ${process.env.BENCH_SQLITE_PRAGMA}` : ''}`);
  await run('warm-up submit', Math.min(N, 10_000), submit('w'));
  const known = ((await submit('k')(accounts[0]!, 0, 0)) as { tradeOrderId: string }).tradeOrderId;
  await run('baseline orders.get', N, () => cadenza.orders.get(caller, { tradeOrderId: known }));
  if (PROF_DIR) mkdirSync(PROF_DIR, { recursive: true });
  const limit1 = await run('submit LIMIT (run 1)', N, submit('a'), PROF_DIR ? join(PROF_DIR, 'domain.cpuprofile') : undefined);
  const limit2 = await run('submit LIMIT (run 2)', N, submit('b'));
  await run('warm-up MARKET', Math.min(N / 2, 5_000), market('v'));
  const market1 = await run('submit MARKET → FILLED (1)', N / 2, market('m'), PROF_DIR ? join(PROF_DIR, 'domain-market.cpuprofile') : undefined);
  const market2 = await run('submit MARKET → FILLED (2)', N / 2, market('n'));
  if (unfilled > 0) throw new Error(`${unfilled} MARKET orders did not fill`);
  console.log(`a fill costs ${(market1 - limit1).toFixed(1)} and ${(market2 - limit2).toFixed(1)} µs CPU more than a resting LIMIT (MARKET ÷ LIMIT ${(market1 / limit1).toFixed(2)}× and ${(market2 / limit2).toFixed(2)}×)`);
  await cadenza.stop();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
