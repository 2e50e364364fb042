/**
 * `npm run bench:otc-domain` — the OTC desk's accept in one process, as bench:rfq's server runs it minus the gateway:
 * the domain, the real PAPER venue (the dealer's linked book and its hedges) and the real SQLite store (a file,
 * group-committed). Each of W traders (a FERMATA account with a funded wallet) asks for a quote and accepts it, one
 * after the other, sides alternating (the QUOTED order restating the quote's side and size, as bench:rfq's do), each
 * accept awaited until durable as the RPC dispatcher awaits it: W accepts in flight, so about W of them share a COMMIT. Each RFQ names a `quoteRequestId`, as bench:rfq's do.
 *
 * Prints, per W: the WAL pages written per accept (exact and steady on a busy machine: the pages a COMMIT appends are
 * the table and index pages it changed — read from the WAL's frame headers, mapped to their B-tree with SQLite's
 * dbstat), COMMITs per accept, and CPU per RFQ + accept — the process's (the store checkpoints inline here, and SQLite's
 * autocheckpoint is off so every page stays in the WAL to be counted: the server's checkpointer thread is not in it),
 * and, on Linux, the main thread's alone (its /proc task entry, 10 ms ticks: without the compiler's and the
 * collector's helper threads, the steadier figure on a shared machine).
 *
 * BENCH_ACCEPTS (default 3,000 per W, after 500 to warm up), BENCH_INFLIGHT (a list, default "1,2,8"), BENCH_PROF=dir:
 * a CPU profile of each measured run; with BENCH_HEAP_PROF=1 a sampling heap profile instead (what the measured run
 * allocated, by the function that allocated it; its CPU figures then include the sampler's cost).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallerContext } from '@cadenza/domain';
import { SqliteStore } from '@cadenza/store';
import { mainThreadCpu } from './main-thread-cpu.ts';
import { startPaperDomain } from './paper-domain.ts';

const N = Number(process.env.BENCH_ACCEPTS ?? 3_000);
const INFLIGHT = (process.env.BENCH_INFLIGHT ?? '1,2,8').split(',').map(Number);
const PROF_DIR = process.env.BENCH_PROF;
const HEAP_PROF = PROF_DIR !== undefined && process.env.BENCH_HEAP_PROF === '1';

const admin: CallerContext = { userId: 'c3333333-3333-4333-8333-333333333333', isAdmin: true };
const trader: CallerContext = { userId: 'a1111111-1111-4111-8111-111111111111', isAdmin: false };

/** The WAL's frames from `from` on: the pages they hold by B-tree name, and how many ended a commit. */
function walFrames(store: SqliteStore, wal: Buffer, from: number): { frames: number; commits: number; byTree: Map<string, number> } {
  const pageSize = store.db.pragma('page_size', { simple: true }) as number;
  const frames = Math.floor((wal.length - 32) / (pageSize + 24));
  const names = new Map<number, string>();
  for (const r of store.db.prepare('SELECT name, pageno FROM dbstat').all() as Array<{ name: string; pageno: number }>) names.set(r.pageno, r.name);
  const byTree = new Map<string, number>();
  let commits = 0;
  for (let f = from; f < frames; f++) {
    const at = 32 + f * (pageSize + 24);
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
    const name = names.get(wal.readUInt32BE(at)) ?? '(free list)';
    byTree.set(name, (byTree.get(name) ?? 0) + 1);
  }
  return { frames: frames - from, commits, byTree };
}

/** The bytes a sampling heap profile's tree accounts for. */
function heapBytes(node: { selfSize: number; children: Array<{ selfSize: number; children: unknown[] }> }): number {
  let sum = node.selfSize;
  for (const c of node.children) sum += heapBytes(c as typeof node);
  return sum;
}

async function measure(w: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-otc-bench-'));
  const path = join(dir, 'cadenza.db');
  try {
    const store = new SqliteStore({ path, groupCommit: true, checkpoint: 'inline' });
    store.db.pragma('wal_autocheckpoint = 0');
    const z = await startPaperDomain(store);
    const hedging = z.tradingAccounts.create(admin, { venue: 'PAPER', nickname: 'hedging' } as never).tradingAccountId;
    const dealer = z.otc.dealers.create(admin, { name: 'Bench desk', baseCurrencies: ['USDT'], riskThreshold: '1000' }).dealerAccountId;
    z.otc.dealers.link(dealer, hedging);
    const treasury = z.otc.wallets.create(admin, { nickname: 'treasury' }).walletId;
    const traders: string[] = [];
    for (let k = 0; k < w; k++) {
      const wallet = z.otc.wallets.create(trader, { nickname: `bench ${k}` });
      for (const [asset, amount] of [['USDT', '1000000'], ['BTC', '100']] as const) {
        z.otc.wallets.transfer(admin, { sourceWalletId: treasury, destWalletId: wallet.walletId, asset, amount });
      }
      traders.push(wallet.metadata.tradingAccountId!);
    }
    await z.durable();

    const cycle = async (k: number, n: number) => {
      const side = n % 2 === 0 ? 'BUY' : 'SELL';
      const q = await z.otc.quotes.rfq(trader, { dealerAccountId: dealer, traderAccountId: traders[k]!, instrumentId: 'BTC/USDT', orderSide: side, quantity: '0.0002', quoteRequestId: `q${k}-${n}` });
      if (q.status !== 'CREATED') throw new Error(`no quote: ${JSON.stringify(q)}`);
      // The order restates the quote's side and size, as bench:rfq's accepts do.
      const order = await z.orders.submit(trader, { tradingAccountId: traders[k]!, tradeOrder: { orderType: 'QUOTED', quoteId: q.quoteId, orderSide: side, quantity: '0.0002' } as never });
      if ((order as { status: string }).status !== 'FILLED') throw new Error(`not filled: ${JSON.stringify(order)}`);
      await z.durable();
    };
    // Numbered on from run to run: a quoteRequestId asked again would answer its quote again.
    let numbered = 0;
    const run = async (n: number) => {
      let next = 0;
      const base = numbered;
      numbered += n;
      await Promise.all(traders.map(async (_, k) => {
        for (let i = next++; i < n; i = next++) await cycle(k, base + i);
      }));
      await z.durable();
    };

    await run(500);
    const wal = `${path}-wal`;
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    const from = Math.floor((statSync(wal).size - 32) / (pageSize + 24));
    const session = PROF_DIR ? new Session() : undefined;
    if (session) {
      session.connect();
      if (HEAP_PROF) {
        await session.post('HeapProfiler.enable');
        // Objects a collection frees stay in the profile: what was allocated, not what is still alive.
        await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      } else {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
      }
    }
    const main0 = mainThreadCpu();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run(N);
    const cpu = process.cpuUsage(cpu0);
    const main = mainThreadCpu() - main0;
    const ms = performance.now() - t0;
    let profile = '';
    if (session && PROF_DIR) {
      mkdirSync(PROF_DIR, { recursive: true });
      if (HEAP_PROF) {
        const { profile: p } = await session.post('HeapProfiler.stopSampling');
        profile = join(PROF_DIR, `otc-accept-w${w}.heapprofile`);
        writeFileSync(profile, JSON.stringify(p));
        profile += `, ${(heapBytes(p.head) / N / 1024).toFixed(2)} KB allocated per RFQ + accept`;
      } else {
        const { profile: p } = await session.post('Profiler.stop');
        profile = join(PROF_DIR, `otc-accept-w${w}.cpuprofile`);
        writeFileSync(profile, JSON.stringify(p));
      }
      session.disconnect();
    }
    const { frames, commits, byTree } = walFrames(store, readFileSync(wal), from);
    console.log(
      `${String(w).padStart(2)} in flight: ${(frames / N).toFixed(2).padStart(6)} WAL pages/accept, ${(commits / N).toFixed(2)} COMMITs/accept, ` +
        `${((cpu.user + cpu.system) / N).toFixed(0).padStart(4)} µs CPU per RFQ + accept (main thread ${(main / N).toFixed(0)}), ${Math.round(N / (ms / 1000))}/s${profile ? `  profile ${profile}` : ''}`,
    );
    const trees = [...byTree].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${(n / N).toFixed(2)}`);
    console.log(`   pages/accept by B-tree: ${trees.join(', ')}`);
    await z.stop();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`bench:otc-domain — RFQ + accept in one process (domain, PAPER, SQLite file, group commit), ${N} accepts per run`);
for (const w of INFLIGHT) await measure(w);
