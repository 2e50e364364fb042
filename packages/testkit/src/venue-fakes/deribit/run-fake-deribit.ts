/**
 * @module venue-fakes/deribit/run-fake-deribit
 * Runs the fake Deribit as a standalone process with a moving (deterministic) market, so the whole server can be tried
 * on Deribit's instruments without internet:
 *
 *   node --import tsx packages/testkit/src/venue-fakes/deribit/run-fake-deribit.ts 8444
 *   DERIBIT_URL=http://127.0.0.1:8444 npm start
 *
 * BTC-PERPETUAL, a BTC future and a call option; book changes every 100 ms, a trade every 500 ms, tickers (with mark
 * price, funding, IV and greeks) and a chart bar every second. Client ID `demo-deribit-id`, Client Secret
 * `demo-deribit-secret` (credentialType API_KEY, or HMAC for the signed grant).
 */
import { FakeDeribitServer } from './fake-deribit-server.ts';

const expiry = Date.UTC(new Date().getUTCFullYear() + 1, 5, 25, 8);
const fake = new FakeDeribitServer({
  instruments: [{ name: 'BTC-PERPETUAL' }, { name: 'BTC-25JUN27', expiry }, { name: 'BTC-25JUN27-60000-C', expiry, strike: '60000', optionType: 'call' }],
  keys: { 'demo-deribit-id': { secret: 'demo-deribit-secret', balances: { BTC: '2', ETH: '20', USDC: '100000' } } },
});
await fake.listen(Number(process.argv[2] ?? 0));
const mid = 128_000; // half-dollar ticks: 64,000 USD
const px = (ticks: number) => (ticks / 2).toFixed(1);
for (const name of ['BTC-PERPETUAL', 'BTC-25JUN27']) {
  fake.setBook(name, {
    bids: Array.from({ length: 20 }, (_, i) => [px(mid - 1 - i), String(1000 * (1 + (i % 5)))] as [string, string]),
    asks: Array.from({ length: 20 }, (_, i) => [px(mid + 1 + i), String(1000 * (1 + (i % 4)))] as [string, string]),
  });
}
fake.setBook('BTC-25JUN27-60000-C', { bids: [['0.1', '5']], asks: [['0.105', '5']] });
let tick = 0;
const timers = [
  setInterval(() => {
    tick++;
    for (const name of ['BTC-PERPETUAL', 'BTC-25JUN27']) {
      fake.pushBook(name, { bids: [[px(mid - 1 - (tick % 20)), String(10 * (1 + ((tick * 7) % 300)))]], asks: [[px(mid + 1 + ((tick * 3) % 20)), String(10 * (1 + ((tick * 11) % 300)))]] });
    }
  }, 100),
  setInterval(() => fake.pushTrade('BTC-PERPETUAL', { price: px(mid + (tick % 2 ? 1 : -1)), amount: '100', direction: tick % 2 ? 'buy' : 'sell' }), 500),
  setInterval(() => {
    fake.pushTicker('BTC-PERPETUAL', { last: px(mid), mark: px(mid), index: px(mid - 3), funding: '0.00001' });
    fake.pushTicker('BTC-25JUN27-60000-C', { last: '0.1025', mark: '0.1025', index: px(mid - 3), markIv: '52.5', greeks: { delta: 0.62, gamma: 0.00001, vega: 210.4, theta: -18.2, rho: 180.1 } });
    const open = Math.floor(Date.now() / 60_000) * 60_000;
    fake.pushChartBar('BTC-PERPETUAL', '1', { tick: open, open: px(mid - 10), high: px(mid + 20), low: px(mid - 20), close: px(mid), volume: '12.5' });
  }, 1000),
];
console.log(`fake Deribit on ${fake.restBaseUrl}`);
console.log(`  DERIBIT_URL=${fake.restBaseUrl} npm start`);
console.log('  Client ID demo-deribit-id, Client Secret demo-deribit-secret (credentialType API_KEY or HMAC)');
const stop = () => {
  for (const t of timers) clearInterval(t);
  void fake.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
