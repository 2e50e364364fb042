/**
 * Where a V8 CPU profile's busy time went, as text: self time grouped by the part of the system it ran in (a flat
 * flame graph), then the functions with the most self time. Native frames (a socket write, a SQLite step) count
 * towards the part whose JavaScript called them. Used by `npm run bench:orders` with BENCH_PROF=dir.
 */

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** The parts, first match wins (by the calling script's URL). */
const PARTS: Array<[RegExp, string]> = [
  [/packages\/protocol\/|packages\/gateway\//, 'gateway + protocol (frames, connections, dispatch)'],
  [/node_modules\/ws\//, 'ws (WebSocket framing)'],
  [/^node:(net|internal\/(stream|streams|net|stream_base_commons))/, 'socket I/O (node streams, write syscalls)'],
  [/node_modules\/ajv/, 'params validation (ajv)'],
  [/packages\/server\/src\/rpc\//, 'RPC layer (dispatch, results)'],
  [/packages\/server\/src\/bridge\//, 'market-data bridge'],
  [/node_modules\/decimal\.js/, 'decimal arithmetic (decimal.js)'],
  [/packages\/domain\/src\/orders\//, 'domain: orders'],
  [/packages\/domain\/src\/portfolios\//, 'domain: balances, positions'],
  [/packages\/domain\/src\/otc\//, 'domain: OTC desk (quotes, pricing, wallets, hedges)'],
  [/packages\/domain\//, 'domain: other (unit of work, events, model)'],
  [/packages\/store\/|node_modules\/better-sqlite3/, 'store (SQLite / PostgreSQL writes, commits)'],
  [/node_modules\/pg/, 'store (SQLite / PostgreSQL writes, commits)'],
  [/packages\/venues\/src\/paper\/market-simulator|packages\/venues\/src\/paper\/market-data/, 'PAPER simulated market + its market data'],
  [/packages\/venues\//, 'PAPER venue (translation, engine)'],
  [/packages\/server\//, 'server: other'],
  [/^node:internal\/timers|^node:internal\/process\/task_queues/, 'timers, immediates, microtasks'],
];

function partOf(url: string): string {
  for (const [re, name] of PARTS) if (re.test(url)) return name;
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  return pkg ? `node_modules: ${pkg[1]}` : 'other';
}

export function summarizeProfile(profile: CpuProfile, topFunctions = 15): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += us;
    let part: string;
    if (frame.functionName === '(garbage collector)') part = 'garbage collection';
    else if (frame.functionName === '(program)') part = 'V8 / native (unattributed)';
    else {
      let cur: number | undefined = id;
      while (cur !== undefined && !byId.get(cur)!.callFrame.url) cur = parent.get(cur);
      part = cur === undefined ? 'native (no JS caller)' : partOf(byId.get(cur)!.callFrame.url);
    }
    parts.set(part, (parts.get(part) ?? 0) + us);
    const where = frame.url.replace(/^.*\/(node_modules|packages)\//, '').replace(/^file:\/\//, '');
    const fn = `${frame.functionName || '(anonymous)'}${where ? ` (${where})` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / Math.max(1, busy)).toFixed(1).padStart(5)} %`;
  const lines = [`  busy ${(busy / 1e6).toFixed(2)} s of CPU in the profile; self time by part:`];
  for (const [name, us] of [...parts].sort((a, b) => b[1] - a[1])) lines.push(`    ${pct(us)}  ${name}`);
  lines.push('  functions with the most self time:');
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, topFunctions)) lines.push(`    ${pct(us)}  ${name}`);
  return lines.join('\n');
}
