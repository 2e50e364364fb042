/**
 * Child process of the RPC benches (orders.bench.ts, rpc-load.ts): a full Cadenza server on an ephemeral port, reporting
 * its URL over IPC. BENCH_SQLITE_PRAGMA applies to it (see below); it counts the store's COMMITs for the benches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { startServer } from '../src/server.ts';

// BENCH_SQLITE_PRAGMA (e.g. 'temp_store = MEMORY'): a pragma on every SQLite connection the server opens, set before
// its first statement — to measure a store setting end to end without changing the store.
const pragma = process.env.BENCH_SQLITE_PRAGMA;
if (pragma) {
  const { default: Database } = await import('better-sqlite3');
  const prepare = Database.prototype.prepare;
  const set = new WeakSet<object>();
  Database.prototype.prepare = function (this: InstanceType<typeof Database>, source: string) {
    if (!set.has(this)) {
      set.add(this);
      this.pragma(pragma);
    }
    return prepare.call(this, source);
  } as typeof prepare;
}

// The store's COMMITs (statements prepared as 'COMMIT'), so a bench can tell how many calls share a group commit.
let commits = 0;
{
  const { default: Database } = await import('better-sqlite3');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: InstanceType<typeof Database>, source: string) {
    const statement = prepare.call(this, source);
    if (source.trim().toUpperCase() !== 'COMMIT') return statement;
    const run = statement.run;
    statement.run = function (this: typeof statement, ...params: unknown[]) {
      commits++;
      return run.apply(this, params as never);
    } as typeof run;
    return statement;
  } as typeof prepare;
}

const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-bench-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  log: false,
  venues: ['PAPER'],
  // The bench rests tens of thousands of LIMIT orders on a few accounts: the per-account cap (1000 by default) would
  // turn all but the first thousands into 11014 refusals.
  quotas: { maxOpenOrdersPerAccount: 0 },
});
process.send?.({ url: server.url, wsUrl: server.wsUrl, dataDir, demo: server.demoUser });
// The bench process owns this one: if it goes away (a crash, ^C), so does the server.
process.on('disconnect', () => process.exit(0));
let profiler: Session | undefined;
let heapSampling = false;
process.on('message', async (m: { cmd?: string }) => {
  if (m.cmd === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (m.cmd === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (m.cmd === 'commits') process.send?.({ commits });
  // A CPU profile of one measured run only (start-up and the other runs left out): BENCH_PROF in orders.bench.ts.
  // `heap`: a sampling heap profile of the same run too (garbage included: what the run allocates, not what it keeps).
  if (m.cmd === 'prof-start') {
    profiler ??= new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.post('Profiler.start');
    heapSampling = (m as { heap?: boolean }).heap === true;
    if (heapSampling) {
      await profiler.post('HeapProfiler.enable');
      await profiler.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    }
    process.send?.({ profiling: true });
  }
  if (m.cmd === 'prof-stop' && profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const file = (m as { file: string }).file;
    writeFileSync(file, JSON.stringify(profile));
    if (heapSampling) {
      const { profile: heap } = await profiler.post('HeapProfiler.stopSampling');
      writeFileSync(file.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(heap));
    }
    profiler.disconnect();
    process.send?.({ profiled: (m as { file: string }).file });
  }
  if (m.cmd === 'stop') {
    await server.close();
    process.exit(0);
  }
});
