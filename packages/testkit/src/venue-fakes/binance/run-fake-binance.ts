/**
 * @module venue-fakes/binance/run-fake-binance
 * Runs the fake Binance as a standalone process with a moving market, so the whole server can be tried
 * without internet:
 *
 *   node --import tsx packages/testkit/src/venue-fakes/binance/run-fake-binance.ts [port]
 *   BINANCE_REST_URL=http://127.0.0.1:<port> BINANCE_WS_URL=ws://127.0.0.1:<port> npm start
 *
 * The market is a deterministic walk (no randomness): depth diffs every 100 ms, a trade every 500 ms, a ticker
 * and a kline every second. API key `demo-binance-key`, HMAC secret `demo-binance-secret`.
 */
import { FakeBinanceServer } from './fake-binance-server.ts';

const port = Number(process.argv[2] ?? 0);
const fake = new FakeBinanceServer({
  symbols: [
    { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', minQty: '0.00001', minNotional: '5' },
    { symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT', tickSize: '0.01', stepSize: '0.0001', minQty: '0.0001', minNotional: '5' },
  ],
  keys: { 'demo-binance-key': { secret: 'demo-binance-secret', balances: { USDT: '100000', BTC: '1', ETH: '10' } } },
});

function cents(n: number): string {
  return (n / 100).toFixed(2);
}

async function main(): Promise<void> {
  await fake.listen(port);
  const mids: Record<string, number> = { BTCUSDT: 6_400_000, ETHUSDT: 320_000 };
  for (const [symbol, mid] of Object.entries(mids)) {
    fake.setBook(symbol, {
      bids: Array.from({ length: 20 }, (_, i) => [cents(mid - 1 - i * 50), '0.5'] as [string, string]),
      asks: Array.from({ length: 20 }, (_, i) => [cents(mid + 1 + i * 50), '0.5'] as [string, string]),
    });
  }
  let tick = 0;
  const depth = setInterval(() => {
    tick++;
    for (const [symbol, mid] of Object.entries(mids)) {
      const level = tick % 20;
      const qty = (0.1 + ((tick * 7) % 13) / 10).toFixed(4);
      fake.pushDepth(symbol, { bids: [[cents(mid - 1 - level * 50), qty]], asks: [[cents(mid + 1 + ((tick * 3) % 20) * 50), qty]] });
    }
  }, 100);
  const trades = setInterval(() => {
    for (const [symbol, mid] of Object.entries(mids)) fake.pushTrade(symbol, { price: cents(mid + (tick % 2 ? 1 : -1)), qty: '0.01000', buyerMaker: tick % 2 === 0 });
  }, 500);
  const stats = setInterval(() => {
    for (const [symbol, mid] of Object.entries(mids)) {
      fake.pushTicker(symbol, { c: cents(mid), b: cents(mid - 1), a: cents(mid + 1), P: '0.50' });
      const open = Math.floor(Date.now() / 60_000) * 60_000;
      fake.pushKline(symbol, '1m', { t: open, T: open + 59_999, o: cents(mid - 100), c: cents(mid), h: cents(mid + 200), l: cents(mid - 200), v: '12.5', x: false });
    }
  }, 1000);
  console.log(`fake Binance on ${fake.restBaseUrl}`);
  console.log(`  BINANCE_REST_URL=${fake.restBaseUrl} BINANCE_WS_URL=${fake.wsBaseUrl} npm start`);
  console.log('  API key demo-binance-key, secret demo-binance-secret (credentialType HMAC)');
  const stop = () => {
    clearInterval(depth);
    clearInterval(trades);
    clearInterval(stats);
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
