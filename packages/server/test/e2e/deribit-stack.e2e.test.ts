/**
 * Deribit through the whole stack, as the quick start does it: the real server with DERIBIT_URL pointed at the local
 * fake Deribit (read by the server's own configuration), supabase-js login, the official centrifuge client on
 * `market:orderbook:DERIBIT:BTC-PERPETUAL` (books in contracts, a broken change_id chain healed), a Deribit trading
 * account with a client id and secret, an order on the perpetual filled on Deribit's side, and a restart with a fill
 * that happened while Cadenza was down.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeDeribitServer } from '@cadenza/testkit/venue-fakes/deribit';
import { configFromEnv } from '../../src/config.ts';
import { connectedAccount, liveVenueStack, eventually, publishedBookKey } from './live-venue-stack.ts';

const CLIENT = 'deribit-stack-client';
const SECRET = 'deribit-stack-secret';
const PERP = 'BTC-PERPETUAL';

const { fake, stack } = await liveVenueStack(
  'deribit',
  async () => {
    const fake = await startFakeDeribitServer({ keys: { [CLIENT]: { secret: SECRET, balances: { BTC: '2' } } } });
    fake.setBook(PERP, { bids: [['64000', '5000'], ['63999.5', '20000']], asks: [['64000.5', '700'], ['64001', '30000']] });
    return fake;
  },
  (fake) => {
    // `DERIBIT_URL=http://127.0.0.1:<port> npm start`: the endpoint as the server reads it from that variable.
    const { endpoints } = configFromEnv({ DERIBIT_URL: fake.restBaseUrl });
    assert.deepEqual(endpoints.DERIBIT, { restBaseUrl: fake.restBaseUrl });
    return { venues: ['PAPER', 'DERIBIT'], endpoints };
  },
);
let tradingAccountId = '';

/** The fake's book in contracts (10 USD each), as Cadenza publishes it. */
const truth = () => {
  const v = fake.book(PERP).view(20);
  const row = (l: { price: string; quantity: string }): [string, string] => [l.price, String(Number(l.quantity) / 10)];
  return publishedBookKey({ bids: v.bids.map(row), asks: v.asks.map(row) });
};

test('quick start on Deribit: the perpetual in the catalogue, its book in contracts on the channel, a broken chain healed', async () => {
  assert.equal(fake.socketCount(), 0, 'nothing connects before a subscription needs it');
  const instruments = await stack.rpc('query.instrument.list', { venue: 'DERIBIT', limit: 50 });
  const perp = instruments.find((i: { symbol: string }) => i.symbol === PERP);
  assert.deepEqual([perp.instrumentId, perp.instrumentType, perp.contractSize, perp.baseAsset, perp.quoteAsset], ['DERIBIT:BTC-PERPETUAL', 'PERPETUAL', '10', 'BTC', 'USD']);

  await stack.rpc('command.subscription.create', { venue: 'DERIBIT', instruments: ['DERIBIT:BTC-PERPETUAL'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
  await eventually(() => fake.subscribedChannels().includes(`book.${PERP}.100ms`), 'the book channel on the fake');
  const books = await stack.subscribe('market:orderbook:DERIBIT:BTC-PERPETUAL');
  fake.pushBook(PERP, { bids: [['64000', '2500']] });
  await eventually(() => books.some((b) => publishedBookKey(b) === truth()), "a publication equal to Deribit's book");
  assert.equal(books.at(-1).venue, 'DERIBIT');

  fake.queueBookFaults('drop');
  fake.pushBook(PERP, { asks: [['64000.5', '0']] });
  fake.pushBook(PERP, { bids: [['64000', '3000']] });
  await eventually(() => publishedBookKey(books.at(-1)) === truth(), 'the healed book after a lost change');
  for (const b of books) assert.ok(b.bids.length === 0 || b.asks.length === 0 || Number(b.bids[0][0]) < Number(b.asks[0][0]), 'never crossed');
});

test('a Deribit account with a client id and secret trades the perpetual through Cadenza; the fill arrives on user.changes', async () => {
  const account = await connectedAccount(stack, 'DERIBIT', 'deribit stack', { credentialType: 'API_KEY', apiKey: CLIENT, secretKey: SECRET });
  tradingAccountId = account.tradingAccountId;
  assert.notEqual(account.credential.apiKey, CLIENT, 'the key comes back masked');

  const placed = await stack.rpc('command.trade_order.submit', {
    tradingAccountId,
    tradeOrder: { instrumentId: 'DERIBIT:BTC-PERPETUAL', orderSide: 'BUY', orderType: 'LIMIT', quantity: '5', limitPrice: '60000', timeInForce: 'GTC' },
  });
  await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'ACCEPTED');
  const sent = fake.calls.find((c) => c.method === 'private/buy')!;
  assert.deepEqual([sent.clientId, sent.params.amount, sent.params.instrument_name], [CLIENT, 50, PERP], '5 contracts = 50 USD, on the authenticated socket');
  fake.fillResting(CLIENT, String(sent.params.label));
  const filled = await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'FILLED');
  assert.equal(Number(filled.executedQuantity), 5);
  // Deribit keeps the position: its report, in contracts, is the account's position on the perpetual.
  await eventually(async () => {
    const p = (await stack.rpc('query.portfolio.get', { tradingAccountId })).positions?.find((x: any) => x.instrumentId === 'DERIBIT:BTC-PERPETUAL');
    return p?.status === 'OPEN' && p.positionSide === 'LONG' && Number(p.quantity) === 5;
  }, 'the long of 5 contracts in the portfolio');
});

test('a fill made while Cadenza was stopped is reconciled at restart, once', async () => {
  const a = await stack.rpc('command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: 'DERIBIT:BTC-PERPETUAL', orderSide: 'BUY', orderType: 'LIMIT', quantity: '4', limitPrice: '59000', timeInForce: 'GTC', clientOrderId: 'drb-recon-a' } });
  await stack.orderIn(tradingAccountId, a.tradeOrderId, 'ACCEPTED');
  await stack.stop();
  fake.fillResting(CLIENT, 'drb-recon-a', '10');
  await stack.start();
  await eventually(async () => Number((await stack.rpc('query.trade_order.get', { tradeOrderId: a.tradeOrderId, tradingAccountId })).executedQuantity) === 1, 'the missed fill of 1 contract');
  await eventually(() => fake.listening(CLIENT) >= 1, 'the account stream after the restart');
  fake.fillResting(CLIENT, 'drb-recon-a');
  const filled = await stack.orderIn(tradingAccountId, a.tradeOrderId, 'FILLED');
  assert.equal(Number(filled.executedQuantity), 4, 'the missed fill once, then the rest');
});
