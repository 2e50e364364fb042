/**
 * @module venue-fakes/bitfinex/run-fake-bitfinex
 * Runs the fake Bitfinex as a standalone process with a moving (deterministic) market, so the whole server can be
 * tried without internet:
 *
 *   node --import tsx packages/testkit/src/venue-fakes/bitfinex/run-fake-bitfinex.ts 8444
 *   BITFINEX_REST_URL=http://127.0.0.1:8444 BITFINEX_WS_URL=ws://127.0.0.1:8444 npm start
 *
 * Book updates every 100 ms, a trade every 500 ms, a ticker and a candle every second. API key `demo-bfx-key`,
 * secret `demo-bfx-secret` (credentialType HMAC).
 */
import { FakeBitfinexServer } from './fake-bitfinex-server.ts';

const fake = new FakeBitfinexServer({
  pairs: [
    { pair: 'BTCUSD', base: 'BTC', quote: 'USD', last: '64000' },
    { pair: 'ETHUSD', base: 'ETH', quote: 'USD', last: '3150', minSize: '0.001' },
  ],
  keys: { 'demo-bfx-key': { secret: 'demo-bfx-secret', balances: { USD: '100000', BTC: '1', ETH: '10' } } },
});
const mids: Record<string, number> = { tBTCUSD: 64_000, tETHUSD: 3_150 };

await fake.listen(Number(process.argv[2] ?? 0));
for (const [symbol, mid] of Object.entries(mids)) {
  fake.pushBook(symbol, {
    bids: Array.from({ length: 20 }, (_, i) => [String(mid - 1 - i), '0.5'] as [string, string]),
    asks: Array.from({ length: 20 }, (_, i) => [String(mid + 1 + i), '0.5'] as [string, string]),
  });
}
let tick = 0;
const timers = [
  setInterval(() => {
    tick++;
    for (const [symbol, mid] of Object.entries(mids)) {
      const qty = (0.1 + ((tick * 7) % 13) / 10).toFixed(4);
      fake.pushBook(symbol, { bids: [[String(mid - 1 - (tick % 20)), qty]], asks: [[String(mid + 1 + ((tick * 3) % 20)), qty]] });
    }
  }, 100),
  setInterval(() => {
    for (const [symbol, mid] of Object.entries(mids)) fake.pushTrade(symbol, { price: String(mid + (tick % 2 ? 1 : -1)), amount: tick % 2 ? '0.01' : '-0.01' });
  }, 500),
  setInterval(() => {
    const open = Math.floor(Date.now() / 60_000) * 60_000;
    for (const [symbol, mid] of Object.entries(mids)) {
      fake.pushTicker(symbol, { last: String(mid), changeRelative: '0.0123' });
      fake.pushCandle(`trade:1m:${symbol}`, [open, String(mid - 10), String(mid), String(mid + 20), String(mid - 20), '12.5']);
    }
  }, 1000),
];
console.log(`fake Bitfinex on ${fake.restBaseUrl}`);
console.log(`  BITFINEX_REST_URL=${fake.restBaseUrl} BITFINEX_WS_URL=${fake.wsBaseUrl} npm start`);
console.log('  API key demo-bfx-key, secret demo-bfx-secret (credentialType HMAC)');
const stop = () => {
  for (const t of timers) clearInterval(t);
  void fake.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
