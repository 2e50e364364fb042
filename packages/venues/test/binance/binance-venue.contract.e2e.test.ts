/** The Venue port's contract suite, run by BinanceVenue against the fake Binance (a local server speaking its wire). */
import { venueContract } from '@cadenza/testkit';
import { startFakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';
import { createBinanceVenue } from '../../src/binance/binance-venue.ts';

const KEY = 'contract-api-key';
const SECRET = 'contract-api-secret';
const fake = await startFakeBinanceServer({ keys: { [KEY]: { secret: SECRET, balances: { USDT: '100000', BTC: '1' } } } });
fake.setBook('BTCUSDT', { bids: [['64000.00', '2'], ['63990.00', '1']], asks: [['64010.00', '2'], ['64020.00', '1']] });

venueContract('BINANCE (fake Binance)', {
  make: (deps) => createBinanceVenue(deps, { venueId: 'BINANCE', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, reconnectDelayMs: { min: 20, max: 200 }, snapshotRetryDelayMs: 20 }),
  symbol: 'BTC/USDT',
  account: { tradingAccountId: 'contract-account', credential: { credentialType: 'HMAC', apiKey: KEY, secretKey: SECRET } },
  moveMarket: () => {
    if (fake.subscribedStreams().includes('btcusdt@depth@100ms')) fake.pushDepth('BTCUSDT', { bids: [['63990.00', '1']] });
  },
  teardown: () => fake.close(),
});
