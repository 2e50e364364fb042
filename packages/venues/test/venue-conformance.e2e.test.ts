/**
 * The live venues — BINANCE, OKX, BITFINEX, DERIBIT and HYPERLIQUID — through the Venue port's one conformance suite (the one PAPER, MOCK
 * and the scripted venue run too: venue-contract.test.ts, packages/testkit/test), each against its local fake, with
 * the suite's live checks on.
 */
import { createBinanceVenue } from '@cadenza/venues/binance';
import { createOkxVenue } from '@cadenza/venues/okx';
import { createBitfinexVenue } from '@cadenza/venues/bitfinex';
import { createDeribitVenue } from '@cadenza/venues/deribit';
import { createHyperliquidVenue } from '@cadenza/venues/hyperliquid';
import { venueContract } from '@cadenza/testkit';
import { startFakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';
import { startFakeOkxServer } from '@cadenza/testkit/venue-fakes/okx';
import { startFakeBitfinexServer } from '@cadenza/testkit/venue-fakes/bitfinex';
import { startFakeDeribitServer } from '@cadenza/testkit/venue-fakes/deribit';
import { addressOfKey, startFakeHyperliquidServer } from '@cadenza/testkit/venue-fakes/hyperliquid';

const fast = { reconnectDelayMs: { min: 20, max: 200 } };
let tick = 0;
/** A size that changes on every call (a level away from the top moving, as live markets do). */
const size = () => String(1 + (++tick % 9));

const binance = await startFakeBinanceServer({ keys: { k: { secret: 's', balances: { USDT: '100000', BTC: '1' } } } });
binance.setBook('BTCUSDT', { bids: [['64000.00', '2'], ['63990.00', '1']], asks: [['64010.00', '2'], ['64020.00', '1']] });
venueContract('BINANCE (fake Binance)', {
  make: (deps) => createBinanceVenue(deps, { venueId: 'BINANCE', restBaseUrl: binance.restBaseUrl, wsBaseUrl: binance.wsBaseUrl, snapshotRetryDelayMs: 20, ...fast }),
  symbol: 'BTC/USDT',
  account: { tradingAccountId: 'conf-bnb', credential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 's' } },
  moveMarket: () => {
    if (binance.subscribedStreams().includes('btcusdt@depth@100ms')) binance.pushDepth('BTCUSDT', { bids: [['60000.00', size()]] });
  },
  live: { badCredential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 'wrong' }, socketCount: () => binance.streamConnectionCount() },
  teardown: () => binance.close(),
});

const okx = await startFakeOkxServer({ keys: { k: { secret: 's', passphrase: 'p', balances: { USDT: '100000', BTC: '1' } } } });
okx.setBook('BTC-USDT', { bids: [['64000.0', '2'], ['63999.0', '2']], asks: [['64001.0', '2'], ['64002.0', '2']] });
venueContract('OKX (fake OKX)', {
  make: (deps) => createOkxVenue(deps, { venueId: 'OKX', restBaseUrl: okx.restBaseUrl, wsBaseUrl: okx.wsBaseUrl, ...fast }),
  symbol: 'BTC/USDT',
  account: { tradingAccountId: 'conf-okx', credential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 's', secretPassphrase: 'p' } },
  moveMarket: () => okx.pushBook('BTC-USDT', { bids: [['60000.0', size()]] }),
  live: { badCredential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 'wrong', secretPassphrase: 'p' }, socketCount: () => okx.socketCount() },
  teardown: () => okx.close(),
});

const bitfinex = await startFakeBitfinexServer({ keys: { k: { secret: 's', balances: { USD: '100000', BTC: '1' } } } });
bitfinex.pushBook('tBTCUSD', { bids: [['64000', '2'], ['63999', '2']], asks: [['64001', '2'], ['64002', '2']] });
venueContract('BITFINEX (fake Bitfinex)', {
  make: (deps) => createBitfinexVenue(deps, { venueId: 'BITFINEX', restBaseUrl: bitfinex.restBaseUrl, wsBaseUrl: bitfinex.wsBaseUrl, ...fast }),
  symbol: 'BTC/USD',
  account: { tradingAccountId: 'conf-bfx', credential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 's' } },
  moveMarket: () => bitfinex.pushBook('tBTCUSD', { bids: [['60000', size()]] }),
  live: { badCredential: { credentialType: 'HMAC', apiKey: 'k', secretKey: 'wrong' }, socketCount: () => bitfinex.socketCount() },
  teardown: () => bitfinex.close(),
});

const deribit = await startFakeDeribitServer({ keys: { k: { secret: 's', balances: { BTC: '1', ETH: '0' } } } });
deribit.setBook('BTC-PERPETUAL', { bids: [['64000', '10'], ['63999.5', '20']], asks: [['64000.5', '10'], ['64001', '20']] });
venueContract('DERIBIT (fake Deribit)', {
  make: (deps) => createDeribitVenue(deps, { venueId: 'DERIBIT', url: deribit.restBaseUrl, ...fast }),
  symbol: 'BTC-PERPETUAL',
  contractNames: true,
  account: { tradingAccountId: 'conf-drb', credential: { credentialType: 'API_KEY', apiKey: 'k', secretKey: 's' } },
  moveMarket: () => deribit.pushBook('BTC-PERPETUAL', { bids: [['60000', String(10 * Number(size()))]] }),
  live: { badCredential: { credentialType: 'API_KEY', apiKey: 'k', secretKey: 'wrong' }, socketCount: () => deribit.socketCount() },
  teardown: () => deribit.close(),
});

// Hyperliquid: the master address and an agent wallet it approved; a key nobody approved is the bad credential.
const HL_MASTER = '0x00000000000000000000000000000000000c0de1';
const HL_AGENT_KEY = '0x' + '4'.repeat(64);
const hyperliquid = await startFakeHyperliquidServer({ accounts: { [HL_MASTER]: { agents: [addressOfKey(HL_AGENT_KEY)], usdc: '100000' } } });
hyperliquid.setBook('BTC', { bids: [['64000', '2'], ['63999', '2']], asks: [['64001', '2'], ['64002', '2']] });
venueContract('HYPERLIQUID (fake Hyperliquid)', {
  make: (deps) => createHyperliquidVenue(deps, { venueId: 'HYPERLIQUID', restBaseUrl: hyperliquid.restBaseUrl, wsBaseUrl: hyperliquid.wsBaseUrl, spot: false, ...fast }),
  symbol: 'BTC',
  contractNames: true,
  account: { tradingAccountId: 'conf-hl', credential: { credentialType: 'API_KEY', apiKey: HL_MASTER, secretKey: HL_AGENT_KEY } },
  moveMarket: () => hyperliquid.pushBook('BTC', { bids: [['60000', size()]] }),
  live: { badCredential: { credentialType: 'API_KEY', apiKey: HL_MASTER, secretKey: '0x' + '5'.repeat(64) }, socketCount: () => hyperliquid.socketCount() },
  teardown: () => hyperliquid.close(),
});
