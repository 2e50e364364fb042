/**
 * The crash-safety scenario, run on each store (crash-safety.e2e.test.ts on SQLite, crash-safety-postgres.e2e.test.ts
 * on PostgreSQL): orders are submitted at full speed to a real server process, which is killed with SIGKILL at a
 * random moment; restarted on the same data, every acknowledged order is there (at least as far along as
 * acknowledged), resting PAPER orders are back in the book (they cancel like any open order), and the portfolio is
 * consistent: each balance = initial + fills − fees, and once they are cancelled nothing is locked.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { dec, str, type Dec } from '@cadenza/domain';

const root = new URL('../../../../', import.meta.url).pathname;

export interface BootedServer {
  child: ChildProcess;
  url: string;
  email: string;
  password: string;
}

/** Runs the scenario against servers started with `env` added to theirs (e.g. CADENZA_DATABASE_URL). */
export async function crashSafetyScenario(env: Record<string, string> = {}): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-crash-'));
  const children: ChildProcess[] = [];
  const sockets: Centrifuge[] = [];
  try {
    await scenario(env, dataDir, children, sockets);
  } finally {
    for (const c of sockets) c.disconnect();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function scenario(env: Record<string, string>, dataDir: string, children: ChildProcess[], sockets: Centrifuge[]): Promise<void> {
  const boot = () => bootServer(env, dataDir, children);
  const connect = (s: BootedServer) => connectAs(s, s.email, s.password, sockets);


  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
  let rnd = seed;
  const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  console.log(`crash-safety seed ${seed} (CRASH_SEED=${seed} to replay)`);

  const first = await boot();
  const c1 = await connect(first);
  const account = (await call(c1, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'crash' } })).tradingAccountId as string;
  const book = await call(c1, 'query.orderbook.get', { instrumentId: 'PAPER:BTC/USDT', depth: 1 });
  const farBid = str(dec(book.bids[0][0]).mul('0.5').floor());

  const acked = new Map<string, any>();
  let stop = false;
  let n = 0;
  const worker = async () => {
    while (!stop) {
      const i = n++;
      const kind = i % 3;
      const tradeOrder =
        kind === 0 ? { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.001' }
        : kind === 1 ? { instrumentId: 'PAPER:BTC/USDT', orderSide: 'SELL', orderType: 'MARKET', quantity: '0.001' }
        : { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.001', limitPrice: farBid };
      try {
        const o = await call(c1, 'command.trade_order.submit', { tradingAccountId: account, tradeOrder: { ...tradeOrder, clientOrderId: `crash-${i}` } });
        acked.set(o.tradeOrderId, o);
      } catch {
        if (stop) return;
      }
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  while (acked.size < 20) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 200 + random() * 1500));
  first.child.kill('SIGKILL');
  const exited = new Promise((r) => first.child.once('exit', r));
  stop = true;
  await exited;
  c1.disconnect();
  await Promise.allSettled(workers);
  assert.ok(acked.size >= 20, `acknowledged ${acked.size} orders before the kill`);

  const second = await boot();
  const c2 = await connect(second);
  const orders: any[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = (await c2.rpc('query.trade_order.list', { tradingAccountId: account, pagination: { offset, limit: 1000 } })).data as any;
    orders.push(...page.data);
    if (!page.pagination.hasNext) break;
  }
  const byId = new Map(orders.map((o) => [o.tradeOrderId, o]));
  const rank: Record<string, number> = { SUBMITTED: 0, ACCEPTED: 1, PARTIALLY_FILLED: 2, PENDING_CANCEL: 2, FILLED: 3, CANCELLED: 3, REJECTED: 3, EXPIRED: 3 };
  for (const [id, ack] of acked) {
    const now = byId.get(id);
    assert.ok(now, `acknowledged order ${id} (${ack.status}) survived the crash`);
    assert.ok(dec(now.executedQuantity).gte(ack.executedQuantity), `${id} kept its fills`);
    assert.ok(rank[now.status]! >= rank[ack.status]!, `${id}: ${ack.status} → ${now.status}`);
    if (['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'].includes(ack.status)) assert.equal(now.status, ack.status);
  }
  const open = orders.filter((o) => !['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'].includes(o.status));
  assert.ok(open.every((o) => o.orderType === 'LIMIT' && o.status === 'ACCEPTED'), 'what stays open after the restart are the resting LIMIT orders');
  assert.ok(orders.filter((o) => o.status === 'CANCELLED').every((o) => o.cancelReason), 'cancelled orders say why');
  const restingBefore = [...acked.values()].filter((o) => o.orderType === 'LIMIT' && o.status === 'ACCEPTED').length;
  assert.ok(open.length >= restingBefore, `acknowledged resting orders are back in the book (${open.length} open, ${restingBefore} acknowledged resting)`);
  for (const o of open) {
    const cancelled = await call(c2, 'command.trade_order.cancel', { tradingAccountId: account, tradeOrderId: o.tradeOrderId });
    assert.equal(cancelled.status, 'CANCELLED', `restored order ${o.tradeOrderId} cancels`);
  }

  // balances = initial + fills − fees, exactly, with nothing locked
  const expected: Record<string, Dec> = { USDT: dec('100000'), BTC: dec('1'), ETH: dec('10') };
  const add = (asset: string, v: Dec) => (expected[asset] = (expected[asset] ?? dec(0)).add(v));
  for (const o of orders) {
    const q = dec(o.executedQuantity);
    const cost = dec(o.executedCost);
    add(o.baseAsset, o.orderSide === 'BUY' ? q : q.neg());
    add(o.quoteAsset, o.orderSide === 'BUY' ? cost.neg() : cost);
    for (const f of o.fees) add(f.asset, dec(f.quantity).neg());
  }
  const portfolio = await call(c2, 'query.portfolio.get', { tradingAccountId: account });
  for (const b of portfolio.balances) {
    assert.equal(b.locked, '0', `${b.securitySymbol}: nothing locked`);
    assert.equal(b.total, str(expected[b.securitySymbol] ?? dec(0)), `${b.securitySymbol} = initial + fills − fees`);
  }
  console.log(`acknowledged ${acked.size}, stored ${orders.length} orders; balances consistent`);
  c2.disconnect();
  second.child.kill('SIGTERM');
  const t0 = Date.now();
  while (second.child.exitCode === null && second.child.signalCode === null && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
  assert.equal(second.child.exitCode, 0, 'the restarted server shuts down cleanly on SIGTERM');
}

/** A real server process (`npm start`'s entry) on `dataDir` with PAPER, its address and demo user read from its banner. */
export async function bootServer(env: Record<string, string>, dataDir: string, children: ChildProcess[]): Promise<BootedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', CADENZA_DATA_DIR: dataDir, CADENZA_VENUES: 'PAPER', CADENZA_LOG_LEVEL: 'silent', CADENZA_PUBLIC_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 120_000);
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
    child.stderr!.on('data', (d) => { // the banner: stderr when stdout is not a terminal
      out += d;
      const up = /is up on (http:\/\/[^\s]+)/.exec(out);
      const demo = /Demo user\s+(\S+) \/ (\S+)/.exec(out);
      if (up && demo) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, url: up[1]!.replace('localhost', '127.0.0.1'), email: demo[1]!, password: demo[2]! });
      }
    });
  });
}

/** Signs in with supabase-js and connects the official client (no reconnecting: a killed server stays gone). */
export async function connectAs(s: { url: string }, email: string, password: string, sockets: Centrifuge[]): Promise<Centrifuge> {
  const sb = createClient(s.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
  const { data, error } = await sb.auth.signInWithPassword({ email, password });
  assert.equal(error, null, error?.message);
  const c = new Centrifuge(`${s.url.replace(/^http/, 'ws')}/connection/websocket`, { token: data.session!.access_token, websocket: WebSocket, minReconnectDelay: 60_000 });
  sockets.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('connected', () => resolve());
    c.once('disconnected', (ctx) => reject(new Error(`${ctx.code} ${ctx.reason}`)));
    c.connect();
  });
  return c;
}

/** An RPC's `data`; a refusal throws with its code. */
export async function call(c: Centrifuge, method: string, params: unknown): Promise<any> {
  const r = (await c.rpc(method, params)).data as { data?: unknown; error?: { code: number; message: string } };
  if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.data;
}
