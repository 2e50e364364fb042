/**
 * @module venue-fakes/hyperliquid/run-fake-hyperliquid
 * Runs the fake Hyperliquid as a standalone process with a moving (deterministic) market, so the whole server can be
 * tried on Hyperliquid's formats without internet:
 *
 *   node --import tsx packages/testkit/src/venue-fakes/hyperliquid/run-fake-hyperliquid.ts 8455
 *   HYPERLIQUID_REST_URL=http://127.0.0.1:8455 HYPERLIQUID_WS_URL=ws://127.0.0.1:8455/ws npm start
 *
 * BTC and ETH perpetuals and the PURR/USDC spot pair; a new BTC book every 200 ms, a trade every 500 ms, asset
 * contexts (mark, oracle, funding) and a candle every second. The demo account: master address
 * 0x00000000000000000000000000000000000de300, agent key 0x…0de3 (64 hex digits, printed below), credentialType API_KEY.
 */
import { FakeHyperliquidServer } from './fake-hyperliquid-server.ts';
import { addressOfKey } from './verify-signature.ts';

const MASTER = '0x00000000000000000000000000000000000de300';
const AGENT_KEY = `0x${'0'.repeat(60)}0de3`;
const fake = new FakeHyperliquidServer({ accounts: { [MASTER]: { agents: [addressOfKey(AGENT_KEY)], usdc: '100000' } } });
await fake.listen(Number(process.argv[2] ?? 0));
const SIZES = ['0.1', '0.3', '0.5', '0.2', '0.4'];
/** 20 levels a side around `mid` ticks of `decimals` places, the whole book `shift` ticks lower. */
const book = (mid: number, decimals: number, shift: number) => {
  const px = (ticks: number) => (ticks / 10 ** decimals).toFixed(decimals);
  return {
    bids: Array.from({ length: 20 }, (_, i): [string, string] => [px(mid - i - 1 - shift), SIZES[i % 5]!]),
    asks: Array.from({ length: 20 }, (_, i): [string, string] => [px(mid + i + 1 - shift), SIZES[(i + shift) % 5]!]),
  };
};
fake.setBook('BTC', book(64000, 0, 0));
fake.setBook('ETH', book(32000, 1, 0));
fake.setBook('PURR/USDC', { bids: [['0.199', '5000']], asks: [['0.201', '5000']] });
let tick = 0;
const timers = [
  setInterval(() => {
    tick++;
    fake.setBook('BTC', book(64000, 0, tick % 3));
  }, 200),
  setInterval(() => fake.pushTrade('BTC', { px: String(64000 + (tick % 2 ? 1 : -1)), sz: '0.01', side: tick % 2 ? 'B' : 'A' }), 500),
  setInterval(() => {
    fake.pushAssetCtx('BTC', { markPx: '64000.0', midPx: '64000.5', oraclePx: '63990.0', prevDayPx: '63000.0', funding: '0.0000125', openInterest: '1234.5', dayNtlVlm: '1000000.0' });
    const open = Math.floor(Date.now() / 60_000) * 60_000;
    fake.pushCandle('BTC', '1m', { t: open, o: '63990.0', h: '64020.0', l: '63980.0', c: '64000.0', v: '12.5' });
  }, 1000),
];
console.log(`fake Hyperliquid on ${fake.restBaseUrl}`);
console.log(`  HYPERLIQUID_REST_URL=${fake.restBaseUrl} HYPERLIQUID_WS_URL=${fake.wsBaseUrl} npm start`);
console.log(`  credential: apiKey ${MASTER}, secretKey ${AGENT_KEY} (credentialType API_KEY)`);
const stop = () => {
  for (const t of timers) clearInterval(t);
  void fake.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
