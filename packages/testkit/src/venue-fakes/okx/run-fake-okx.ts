/**
 * @module venue-fakes/okx/run-fake-okx
 * Runs the fake OKX as a standalone process with a moving (deterministic) market, so the whole server can be tried
 * without internet:
 *
 *   node --import tsx packages/testkit/src/venue-fakes/okx/run-fake-okx.ts 8443
 *   OKX_REST_URL=http://127.0.0.1:8443 OKX_WS_URL=ws://127.0.0.1:8443 npm start
 *
 * Book updates every 100 ms, a trade every 500 ms, a ticker and a candle every second. API key `demo-okx-key`,
 * secret `demo-okx-secret`, passphrase `demo-okx-passphrase` (credentialType HMAC).
 */
import { FakeOkxServer } from './fake-okx-server.ts';

const fake = new FakeOkxServer({
  instruments: [
    { instId: 'BTC-USDT', base: 'BTC', quote: 'USDT', tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001' },
    { instId: 'ETH-USDT', base: 'ETH', quote: 'USDT', tickSz: '0.01', lotSz: '0.000001', minSz: '0.001' },
  ],
  keys: { 'demo-okx-key': { secret: 'demo-okx-secret', passphrase: 'demo-okx-passphrase', balances: { USDT: '100000', BTC: '1', ETH: '10' } } },
});
const mids: Record<string, number> = { 'BTC-USDT': 640_000, 'ETH-USDT': 31_500 };
const px = (ticks: number, instId: string) => (instId === 'BTC-USDT' ? (ticks / 10).toFixed(1) : (ticks / 10).toFixed(2));

await fake.listen(Number(process.argv[2] ?? 0));
for (const [instId, mid] of Object.entries(mids)) {
  fake.setBook(instId, {
    bids: Array.from({ length: 20 }, (_, i) => [px(mid - 1 - i * 5, instId), '0.5'] as [string, string]),
    asks: Array.from({ length: 20 }, (_, i) => [px(mid + 1 + i * 5, instId), '0.5'] as [string, string]),
  });
}
let tick = 0;
const timers = [
  setInterval(() => {
    tick++;
    for (const [instId, mid] of Object.entries(mids)) {
      const qty = (0.1 + ((tick * 7) % 13) / 10).toFixed(4);
      fake.pushBook(instId, { bids: [[px(mid - 1 - (tick % 20) * 5, instId), qty]], asks: [[px(mid + 1 + ((tick * 3) % 20) * 5, instId), qty]] });
    }
  }, 100),
  setInterval(() => {
    for (const [instId, mid] of Object.entries(mids)) fake.pushTrade(instId, { px: px(mid + (tick % 2 ? 1 : -1), instId), sz: '0.01', side: tick % 2 ? 'buy' : 'sell' });
  }, 500),
  setInterval(() => {
    const open = Math.floor(Date.now() / 60_000) * 60_000;
    for (const [instId, mid] of Object.entries(mids)) {
      fake.pushTicker(instId, { last: px(mid, instId), open24h: px(mid - 100, instId) });
      fake.pushCandle(instId, '1m', [String(open), px(mid - 10, instId), px(mid + 20, instId), px(mid - 20, instId), px(mid, instId), '12.5', '0']);
    }
  }, 1000),
];
console.log(`fake OKX on ${fake.restBaseUrl}`);
console.log(`  OKX_REST_URL=${fake.restBaseUrl} OKX_WS_URL=${fake.wsBaseUrl} npm start`);
console.log('  API key demo-okx-key, secret demo-okx-secret, passphrase demo-okx-passphrase (credentialType HMAC)');
const stop = () => {
  for (const t of timers) clearInterval(t);
  void fake.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
