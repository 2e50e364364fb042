/**
 * `npm run bench:rfq` — the OTC desk through the real `centrifuge` client, the server in its own process (embedded
 * SQLite): RFQ → quote (`command.quote.rfq`, quotes/s and latency) and accepting (`command.trade_order.submit` with
 * `orderType: QUOTED`: fills/s and the accept's latency), beside two baselines in the same run — a trivial RPC
 * (`query.system.info`, the gateway alone) and the plain order path (a resting PAPER LIMIT order, submit → ack, the
 * issue's baseline; and a PAPER MARKET order, submit → FILLED: an order that trades, as an accept does).
 *
 * The desk: one dealer quoting BTC/USDT from the PAPER book with the default spread, hedging on a linked PAPER
 * account. Every worker (C connections × W in flight) owns a FERMATA account with a wallet funded from an
 * ACCOUNTING treasury, because a trader holds one live quote per dealer, account, pair and side. The accept run
 * asks for a quote, then submits the QUOTED order: only the submit is timed, and sides alternate so the dealer's
 * position (and its PAPER hedges) stays near flat. Each fill moves four ledger entries and sends a hedge order.
 *
 * The gateway baseline and the RFQ run are measured alone; then the resting LIMIT, the MARKET and the accept in turn,
 * BENCH_ROUNDS (3) slices each, the order reversed every other round, each slice after BENCH_SETTLE_MS (500) of its
 * own path unmeasured (rpc-load.ts, `measureInterleaved`): the accept
 * and its baselines meet the same server — the quotes the RFQ run left in memory, the database grown by every run —
 * and the same spells of a busy host, so their ratio compares the paths rather than the moments they ran at. Each
 * row prints the host's steal time (a virtual machine's CPUs taken by its host: such a run measured a slower machine)
 * and, for the interleaved ones, each slice's p50.
 *
 * Each path is first run for BENCH_WARMUP_SECONDS (2) unmeasured (rpc-load.ts: V8 compiles a path in its first
 * seconds); each row prints the store's COMMITs per call (how many calls share a group commit).
 *
 * Knobs: BENCH_CONNECTIONS (4), BENCH_INFLIGHT (2), BENCH_SECONDS (3 per path), BENCH_ROUNDS (3), BENCH_TRACE_GC=1 (the
 * server runs with --trace-gc: every collection and its pause on stdout), BENCH_PROF=dir (a CPU profile of the
 * server per run — the first round's slice for the interleaved ones — summarized; with BENCH_HEAP_PROF=1 a sampling
 * heap profile too, and the bytes allocated per call).
 */
import type { Centrifuge } from 'centrifuge';
import { connectClients, forkBenchServer, measure, measureInterleaved, rpcData, signIn, type Row } from './rpc-load.ts';

const C = Number(process.env.BENCH_CONNECTIONS ?? 4);
const W = Number(process.env.BENCH_INFLIGHT ?? 2);
const D = Number(process.env.BENCH_SECONDS ?? 3) * 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SIZE = '0.0002';

console.log(`bench:rfq — ${C} connections × ${W} in flight, ${D / 1000} s per path after ${Number(process.env.BENCH_WARMUP_SECONDS ?? 2)} s unmeasured (LIMIT, MARKET and accept in ${ROUNDS} rounds), server in a separate process (SQLite)`);
// The order baseline rests an order per call: no per-account cap on open orders, so it never ends in refusals. The
// gateway baseline passes 10,000 commands per second per connection on a quiet machine: no command rate limit, or
// its answers would be error 111 (too many requests) rather than calls measured.
const server = await forkBenchServer({ CADENZA_MAX_OPEN_ORDERS_PER_ACCOUNT: '0', CADENZA_WS_COMMANDS_PER_SECOND: '0' }, process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []);
const clients: Centrifuge[] = [];
try {
  const [admin] = await connectClients(server, await signIn(server, server.demo.email, server.demo.password, { admin: true }), 1);
  clients.push(admin!);
  const hedging = (await rpcData(admin!, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'hedging' } })).tradingAccountId as string;
  const dealer = (await rpcData(admin!, 'command.fermata.dealer.create', { name: 'Bench desk', baseCurrencies: ['USDT'], riskThreshold: '1000' })).dealerAccountId as string;
  await rpcData(admin!, 'command.fermata.dealer.link', { dealerAccountId: dealer, tradingAccountId: hedging });
  const treasury = (await rpcData(admin!, 'command.fermata.wallet.create', { nickname: 'treasury' })).walletId as string;

  const traders = await connectClients(server, await signIn(server, `bench-trader-${Date.now()}@example.com`, 'bench-trader-password', { signUp: true }), C);
  clients.push(...traders);
  const fermata: string[] = [];
  for (let k = 0; k < C * W; k++) {
    const wallet = await rpcData(traders[k % C]!, 'command.fermata.wallet.create', { nickname: `bench ${k}` });
    for (const [asset, amount] of [['USDT', '1000000'], ['BTC', '100']]) {
      await rpcData(admin!, 'command.fermata.wallet.transfer', { sourceWalletId: treasury, destWalletId: wallet.walletId, asset, amount });
    }
    fermata.push(wallet.metadata.tradingAccountId as string);
  }
  const paper: string[] = [];
  for (const c of traders) paper.push((await rpcData(c, 'command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'bench' } })).tradingAccountId);

  const side = (n: number) => (n % 2 === 0 ? 'BUY' : 'SELL');
  const rfq = (c: Centrifuge, k: number, n: number, quoteRequestId = `q${k}-${n}`) =>
    c.rpc('command.quote.rfq', { dealerAccountId: dealer, traderAccountId: fermata[k], instrumentId: 'BTC/USDT', orderSide: side(n), quantity: SIZE, quoteRequestId }).then((r) => {
      const quote = (r.data as { data?: { status: string; quoteId: string }; error?: unknown }).data;
      if (quote?.status !== 'CREATED') throw new Error(`no quote: ${JSON.stringify(r.data)}`);
      return quote;
    });

  const base = await measure(server, 'baseline rpc query.system.info', traders, W, D, (c) => c.rpc('query.system.info', {}));
  const quote = await measure(server, 'RFQ → quote (command.quote.rfq)', traders, W, D, (c, k, n) => rfq(c, k, n));
  const [order, filled, accept] = (await measureInterleaved(server, [
    {
      label: 'baseline order submit → ack (PAPER LIMIT)',
      call: (c, k, n) =>
        c.rpc('command.trade_order.submit', {
          tradingAccountId: paper[Math.floor(k / W)],
          tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.0005', limitPrice: '10000', timeInForce: 'GTC', clientOrderId: `b${k}-${n}` },
        }),
    },
    // The like-for-like baseline of a fill: an order that trades at once (order, fill, balances, position), sides
    // alternating as the accepts' do, on the same PAPER accounts.
    {
      label: 'baseline order submit → FILLED (PAPER MARKET)',
      call: async (c, k, n) => {
        const r = (await c.rpc('command.trade_order.submit', {
          tradingAccountId: paper[Math.floor(k / W)],
          tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: side(n), orderType: 'MARKET', quantity: SIZE, clientOrderId: `m${k}-${n}` },
        })).data as { data?: { status: string }; error?: unknown };
        if (r.data?.status !== 'FILLED') throw new Error(`not filled: ${JSON.stringify(r)}`);
        return r;
      },
    },
    {
      label: 'accept: QUOTED submit → FILLED (after an RFQ)',
      call: async (c, k, n) => {
        const quote = await rfq(c, k, n, `a${k}-${n}`);
        const s = performance.now();
        const r = (await c.rpc('command.trade_order.submit', { tradingAccountId: fermata[k], tradeOrder: { orderType: 'QUOTED', quoteId: quote.quoteId, orderSide: side(n), quantity: SIZE } })).data as { data?: { status: string }; error?: unknown };
        if (r.data?.status !== 'FILLED') throw new Error(`not filled: ${JSON.stringify(r)}`);
        return { timed: performance.now() - s };
      },
    },
  ], traders, W, D, ROUNDS)) as [Row, Row, Row];
  console.log(`\nRFQ → quote p99 ${quote.p99.toFixed(2)} ms (target < 5 ms); accept p50 ${accept.p50.toFixed(2)} ms = ${(accept.p50 / order.p50).toFixed(2)}× the order path's p50, p99 ${(accept.p99 / order.p99).toFixed(2)}× (target ≤ 1.5×)`);
  if (ROUNDS > 1) console.log(`accept ÷ LIMIT p50 by round: ${accept.sliceP50s.map((p, i) => (p / order.sliceP50s[i]!).toFixed(2)).join(' ')}`);
  console.log(`accept against an order that fills (PAPER MARKET): ${(accept.p50 / filled.p50).toFixed(2)}× its p50, ${(accept.p99 / filled.p99).toFixed(2)}× its p99`);
  console.log(`QUOTED fills: ${accept.n} in ${D / 1000} s (${accept.perSecond}/s, each after its own RFQ, ${(1 / Math.max(1e-9, accept.commitsPerCall)).toFixed(1)} per COMMIT); gateway baseline ${base.perSecond}/s`);
} finally {
  for (const c of clients) c.disconnect();
  await server.stop();
}
