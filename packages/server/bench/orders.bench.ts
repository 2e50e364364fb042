/**
 * `npm run bench:orders` — order submit → acknowledgement through the real `centrifuge` client against the
 * PAPER venue, the server in its own process. Prints throughput and latency percentiles, and in the same run a
 * baseline: the same clients calling a trivial RPC (`query.system.info`), which measures the gateway alone.
 *
 * Workload: C connections, each with its own funded paper account, each keeping W submits in flight for D seconds.
 * Orders are non-marketable GTC LIMIT buys (they rest in the book; each locks 5 USDT), so the figure is the cost of
 * validation, balance locking, persistence (SQLite WAL, one transaction per state change), the venue call and the
 * reply — not of matching.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { Centrifuge } from 'centrifuge';

const C = Number(process.env.BENCH_CONNECTIONS ?? 8);
const W = Number(process.env.BENCH_INFLIGHT ?? 16);
const D = Number(process.env.BENCH_SECONDS ?? 5) * 1000;

const child = fork(fileURLToPath(new URL('./orders-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const info = await new Promise<{ url: string; wsUrl: string; demo: { email: string; password: string } }>((resolve) => child.once('message', resolve as never));

const tokenRes = await fetch(`${info.url}/auth/v1/token?grant_type=password`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', apikey: 'bench' },
  body: JSON.stringify({ email: info.demo.email, password: info.demo.password }),
});
const token = ((await tokenRes.json()) as { access_token: string }).access_token;

const clients: Centrifuge[] = [];
for (let i = 0; i < C; i++) {
  const c = new Centrifuge(info.wsUrl, { token, websocket: WebSocket, timeout: 30000 });
  const ready = new Promise<void>((resolve) => c.once('connected', () => resolve()));
  c.connect();
  await ready;
  clients.push(c);
}
const accounts: string[] = [];
for (const c of clients) {
  const r = (await c.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'bench' } })).data as { data: { tradingAccountId: string } };
  accounts.push(r.data.tradingAccountId);
}

async function run(label: string, call: (c: Centrifuge, i: number, n: number) => Promise<unknown>) {
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + D;
  await Promise.all(clients.map(async (c, i) => {
    let n = 0;
    await Promise.all(Array.from({ length: W }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        const r = (await call(c, i, n++)) as { data?: { error?: unknown } };
        lat.push(performance.now() - s);
        if (r?.data?.error) errors++;
      }
    }));
  }));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))]!.toFixed(2);
  console.log(`${label.padEnd(34)} ${String(Math.round(lat.length / secs)).padStart(8)}/s   p50 ${pct(0.5).padStart(7)} ms   p99 ${pct(0.99).padStart(7)} ms   n=${lat.length} errors=${errors}`);
}

console.log(`bench:orders — ${C} connections × ${W} in flight, ${D / 1000} s per run, server in a separate process`);
await run('baseline rpc query.system.info', (c) => c.rpc('query.system.info', {}));
await run('command.trade_order.submit (LIMIT)', (c, i, n) =>
  c.rpc('command.trade_order.submit', {
    tradingAccountId: accounts[i],
    tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.0005', limitPrice: '10000', timeInForce: 'GTC', clientOrderId: `b${i}-${n}` },
  }),
);
for (const c of clients) c.disconnect();
child.send({ cmd: 'stop' });
await new Promise((r) => child.once('exit', r));
