/**
 * `node --import tsx packages/store/bench/sqlite-orders.bench.ts` — the SQLite store alone, as the order path uses it:
 * per order one unit (a savepoint inside the group transaction) holding the order row, inserted in its final state,
 * and its account's balance row; one COMMIT per batch, as group commit makes one per event-loop turn. Orders come
 * from 8 accounts (as in bench:orders), in batches of 8, 16 and 32.
 *
 * Prints, per batch size: WAL pages written per order (exact, independent of the machine's load: the pages a commit
 * appends are the rows' and the indexes' leaf pages it touched) and per COMMIT by B-tree (table or index, read from the
 * WAL's frame headers and SQLite's dbstat), CPU per order (the process's, and its main thread's alone), of which the
 * COMMIT (process CPU while it runs), and the wall time of the COMMITs at p50/p99/max —
 * with each checkpointer in turn (wal-checkpointer.ts): SQLite's own on the committing thread (every 1,000 WAL pages
 * the pages copied into the database file and both files fsynced: the max), and the worker thread's.
 *
 * BENCH_ORDERS (default 20,000 per batch size).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Balance, Order } from '@cadenza/domain';
import { SqliteStore } from '../src/sqlite/sqlite-store.ts';

const N = Number(process.env.BENCH_ORDERS ?? 20_000);
const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `0193a000-0000-7000-8000-00000000000${i}`);

function orderOf(i: number): Order {
  const at = 1_764_000_000_000 + i;
  return {
    // UUID v7 ids grow with time, as the server's do.
    tradeOrderId: `0193b000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    tradingAccountId: ACCOUNTS[i % ACCOUNTS.length]!,
    userId: '0193a000-0000-7000-8000-0000000000aa',
    venue: 'PAPER',
    instrumentId: 'PAPER:BTC/USDT',
    symbol: 'BTC/USDT',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    clientOrderId: `b${i % ACCOUNTS.length}-${i}`,
    orderType: 'LIMIT',
    side: 'BUY',
    quantityType: 'BASE',
    quantity: '0.0005',
    timeInForce: 'GTC',
    status: 'ACCEPTED',
    executedQuantity: '0',
    executedCost: '0',
    fees: {},
    lockAsset: 'USDT',
    lockedAmount: '5',
    limitPrice: '10000',
    externalOrderId: String(1_000_000 + i),
    createdAt: at,
    updatedAt: at,
  };
}

function balanceOf(i: number): Balance {
  return {
    balanceId: `0193c000-0000-7000-8000-00000000000${i % ACCOUNTS.length}`,
    tradingAccountId: ACCOUNTS[i % ACCOUNTS.length]!,
    asset: 'USDT',
    free: String(1_000_000 - 5 * i),
    locked: String(5 * i),
    createdAt: 1_764_000_000_000,
    updatedAt: 1_764_000_000_000 + i,
  };
}

/**
 * CPU of the main thread alone, µs (Linux: its /proc task entry, 10 ms ticks; elsewhere the whole process's): with the
 * checkpointer's thread the process's figure would count that thread's copying too.
 */
const mainCpuUs = (): number => {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return cpuUs();
  }
};

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * The WAL's frames by the B-tree (table or index, leaf or interior page) their page belongs to, per COMMIT: each
 * frame is a 24-byte header (its page number first) and the page.
 */
function walPagesByBtree(store: SqliteStore, walPath: string): Array<[string, number]> {
  const wal = readFileSync(walPath);
  const pageSize = wal.readUInt32BE(8);
  const rows = store.db.prepare('SELECT pageno, name, pagetype FROM dbstat').all() as Array<{ pageno: number; name: string; pagetype: string }>;
  const owner = new Map(rows.map((r) => [r.pageno, r.pagetype === 'internal' ? `${r.name} (interior)` : r.name]));
  const count = new Map<string, number>();
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    const page = wal.readUInt32BE(at);
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
    const name = page === 1 ? 'page 1 (file header)' : owner.get(page) ?? 'other';
    count.set(name, (count.get(name) ?? 0) + 1);
  }
  return [...count].map(([name, n]): [string, number] => [name, n / commits]).filter(([, n]) => n >= 0.05).sort((a, b) => b[1] - a[1]);
}

/**
 * Writes N orders in batches of `batch`; `measure` false: with no checkpoint, for the count of WAL pages. `checkpoint`:
 * who checkpoints (wal-checkpointer.ts) — the worker thread, or SQLite on the committing connection.
 */
async function pass(
  batch: number,
  measure: boolean,
  checkpoint: 'worker' | 'inline' = 'inline',
): Promise<{ pages: number; byBtree: Array<[string, number]>; cpu: number; mainCpu: number; commitCpu: number; walls: number[]; rewinds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-store-bench-'));
  const path = join(dir, 'cadenza.db');
  const store = new SqliteStore({ path, groupCommit: true, checkpoint: measure ? checkpoint : 'inline' });
  if (!measure) store.db.pragma('wal_autocheckpoint = 0');
  const walls: number[] = [];
  let commitCpu = 0;
  const cpu0 = cpuUs();
  const main0 = mainCpuUs();
  for (let i = 0; i < N; ) {
    for (let k = 0; k < batch && i < N; k++, i++) {
      const n = i;
      store.transaction(() => {
        store.insertOrder(orderOf(n));
        store.upsertBalance(balanceOf(n));
      });
    }
    const c0 = cpuUs();
    const t0 = performance.now();
    await store.flush();
    walls.push(performance.now() - t0);
    commitCpu += cpuUs() - c0;
  }
  const cpu = cpuUs() - cpu0;
  const mainCpu = mainCpuUs() - main0;
  const byBtree = measure ? [] : walPagesByBtree(store, `${path}-wal`);
  const pages = measure ? 0 : (store.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log;
  const rewinds = store.checkpointer?.stats().rewinds ?? 0;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { pages, byBtree, cpu, mainCpu, commitCpu, walls, rewinds };
}

async function run(batch: number): Promise<void> {
  const { pages, byBtree } = await pass(batch, false);
  console.log(`batch ${String(batch).padStart(2)}: ${(pages / N).toFixed(2)} WAL pages/order`);
  console.log(`          WAL pages per COMMIT by B-tree: ${byBtree.map(([name, n]) => `${name} ${n.toFixed(2)}`).join(', ')}`);
  // Both checkpointers in the same run, in turn (the machine's noise is shared).
  for (const checkpoint of ['inline', 'worker'] as const) {
    const { cpu, mainCpu, commitCpu, walls, rewinds } = await pass(batch, true, checkpoint);
    walls.sort((a, b) => a - b);
    const pct = (p: number) => walls[Math.min(walls.length - 1, Math.floor(walls.length * p))]!.toFixed(2);
    const stalls = walls.filter((w) => w >= 2).length;
    console.log(
      `  checkpoints ${checkpoint.padEnd(6)}: CPU ${(cpu / N).toFixed(1)} µs/order, main thread ${(mainCpu / N).toFixed(1)} (COMMIT ${(commitCpu / N).toFixed(1)})   COMMIT wall p50 ${pct(0.5)} p99 ${pct(0.99)} p99.9 ${pct(0.999)} max ${walls.at(-1)!.toFixed(1)} ms   COMMITs ≥ 2 ms: ${stalls}${checkpoint === 'worker' ? `   rewinds ${rewinds}` : ''}`,
    );
  }
}

console.log(`SQLite store, ${N} orders per run, 8 accounts, one order row + one balance row per order, one COMMIT per batch`);
for (const batch of [8, 16, 32]) await run(batch);
