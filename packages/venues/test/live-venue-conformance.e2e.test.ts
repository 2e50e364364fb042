/**
 * The live venues — BINANCE, OKX, BITFINEX and DERIBIT — through the shared live-venue suite, each against its local fake.
 */
import { createBinanceVenue } from '@cadenza/venues/binance';
import { createOkxVenue } from '@cadenza/venues/okx';
import { createBitfinexVenue } from '@cadenza/venues/bitfinex';
import { createDeribitVenue } from '@cadenza/venues/deribit';
import { liveVenueContract } from '@cadenza/testkit/contracts/live-venue';
import { startFakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';
import { startFakeOkxServer } from '@cadenza/testkit/venue-fakes/okx';
import { startFakeBitfinexServer } from '@cadenza/testkit/venue-fakes/bitfinex';
import { startFakeDeribitServer } from '@cadenza/testkit/venue-fakes/deribit';

const fast = { reconnectDelayMs: { min: 20, max: 200 } };
let tick = 0;
/** A size that changes on every call (a level away from the top moving). */
const size = () => String(1 + (++tick % 9));

liveVenueContract('OKX', async () => {
  const fake = await startFakeOkxServer({ keys: { k: { secret: 's', passphrase: 'p', balances: { USDT: '10000', BTC: '1' } } } });
  fake.setBook('BTC-USDT', { bids: [['64000.0', '1'], ['63999.0', '2']], asks: [['64001.0', '1'], ['64002.0', '2']] });
  return {
    make: (deps) => createOkxVenue(deps, { venueId: 'OKX', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, ...fast }),
    symbol: 'BTC/USDT',
    account: { tradingAccountId: 'conf-okx', credential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 's', secretPassphrase: 'p' } },
    badCredential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 'wrong', secretPassphrase: 'p' },
    restingBuy: (n) => ({ limitPrice: '30000.0', quantity: '0.001', clientOrderId: `conf${n}` }),
    marketMoves: () => fake.pushBook('BTC-USDT', { bids: [['60000.0', size()]] }),
    socketCount: () => fake.socketCount(),
    close: () => fake.close(),
  };
});

liveVenueContract('BITFINEX', async () => {
  const fake = await startFakeBitfinexServer({ keys: { k: { secret: 's', balances: { USD: '10000', BTC: '1' } } } });
  fake.pushBook('tBTCUSD', { bids: [['64000', '1'], ['63999', '2']], asks: [['64001', '1'], ['64002', '2']] });
  return {
    make: (deps) => createBitfinexVenue(deps, { venueId: 'BITFINEX', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, ...fast }),
    symbol: 'BTC/USD',
    account: { tradingAccountId: 'conf-bfx', credential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 's' } },
    badCredential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 'wrong' },
    restingBuy: (n) => ({ limitPrice: '30000', quantity: '0.001', clientOrderId: `conf-${n}` }),
    marketMoves: () => fake.pushBook('tBTCUSD', { bids: [['60000', size()]] }),
    socketCount: () => fake.socketCount(),
    close: () => fake.close(),
  };
});

liveVenueContract('BINANCE', async () => {
  const fake = await startFakeBinanceServer({ keys: { k: { secret: 's', balances: { USDT: '10000', BTC: '1' } } } });
  fake.setBook('BTCUSDT', { bids: [['64000.00', '1'], ['63999.00', '2']], asks: [['64001.00', '1'], ['64002.00', '2']] });
  return {
    make: (deps) => createBinanceVenue(deps, { venueId: 'BINANCE', restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl, snapshotRetryDelayMs: 20, ...fast }),
    symbol: 'BTC/USDT',
    account: { tradingAccountId: 'conf-bnb', credential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 's' } },
    badCredential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 'wrong' },
    restingBuy: (n) => ({ limitPrice: '30000.00', quantity: '0.001', clientOrderId: `conf-${n}` }),
    marketMoves: () => void fake.pushDepth('BTCUSDT', { bids: [['60000.00', size()]] }),
    socketCount: () => fake.streamConnectionCount(),
    close: () => fake.close(),
  };
});

liveVenueContract('DERIBIT', async () => {
  const fake = await startFakeDeribitServer({ keys: { k: { secret: 's', balances: { BTC: '1', ETH: '0' } } } });
  fake.setBook('BTC-PERPETUAL', { bids: [['64000', '10'], ['63999.5', '20']], asks: [['64000.5', '10'], ['64001', '20']] });
  return {
    make: (deps) => createDeribitVenue(deps, { venueId: 'DERIBIT', url: fake.restBaseUrl, ...fast }),
    symbol: 'BTC-PERPETUAL',
    contractNames: true,
    account: { tradingAccountId: 'conf-drb', credential: { credentialType: 'API_KEY', apiKey: 'k', secretKey: 's' } },
    badCredential: { credentialType: 'API_KEY', apiKey: 'k', secretKey: 'wrong' },
    restingBuy: (n) => ({ limitPrice: '30000', quantity: '1', clientOrderId: `conf-${n}` }),
    marketMoves: () => fake.pushBook('BTC-PERPETUAL', { bids: [['60000', String(10 * Number(size()))]] }),
    socketCount: () => fake.socketCount(),
    close: () => fake.close(),
  };
});
