/**
 * Hyperliquid through the whole stack, as the quick start does it: the real server with HYPERLIQUID_REST_URL and
 * HYPERLIQUID_WS_URL pointed at the local fake Hyperliquid (read by the server's own configuration), supabase-js login, the
 * official centrifuge client on `market:orderbook:HYPERLIQUID:BTC`, a Hyperliquid trading account whose credential is
 * the master address and an agent wallet key, an order on the perpetual signed with that key (the fake recovers the
 * signer), filled on Hyperliquid's side, and a restart with a fill that happened while Cadenza was down.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOfKey, startFakeHyperliquidServer } from '@cadenza/testkit/venue-fakes/hyperliquid';
import { configFromEnv } from '../../src/config.ts';
import { connectedAccount, liveVenueStack, eventually, publishedBookKey } from './live-venue-stack.ts';

const MASTER = '0x00000000000000000000000000000000005a7c11';
const AGENT_KEY = '0x' + '7'.repeat(64);

const { fake, stack } = await liveVenueStack(
  'hyperliquid',
  async () => {
    const fake = await startFakeHyperliquidServer({ accounts: { [MASTER]: { agents: [addressOfKey(AGENT_KEY)], usdc: '50000' } } });
    fake.setBook('BTC', { bids: [['64000', '1.5'], ['63999', '2']], asks: [['64001', '0.7'], ['64002', '3']] });
    return fake;
  },
  (fake) => {
    // `HYPERLIQUID_REST_URL=http://127.0.0.1:<port> HYPERLIQUID_WS_URL=ws://127.0.0.1:<port>/ws npm start`, as the server reads them.
    const { endpoints } = configFromEnv({ HYPERLIQUID_REST_URL: fake.restBaseUrl, HYPERLIQUID_WS_URL: fake.wsBaseUrl });
    assert.deepEqual(endpoints.HYPERLIQUID, { restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl });
    return { venues: ['PAPER', 'HYPERLIQUID'], endpoints };
  },
);
let tradingAccountId = '';

const truth = () => {
  const v = fake.book('BTC').view(20);
  return publishedBookKey({ bids: v.bids.map((l) => [l.price, l.quantity]), asks: v.asks.map((l) => [l.price, l.quantity]) });
};
const openOrder = (price: string) => [...fake.trading.orders.values()].find((o) => o.user === MASTER && o.status === 'open' && o.limitPx === price)!;

test('quick start on Hyperliquid: the perpetual in the catalogue, its book on the channel, healed after a dropped socket', async () => {
  assert.equal(fake.socketCount(), 0, 'nothing connects before a subscription needs it');
  const instruments = await stack.rpc('query.instrument.list', { venue: 'HYPERLIQUID', limit: 50 });
  const btc = instruments.find((i: { symbol: string }) => i.symbol === 'BTC');
  assert.deepEqual([btc.instrumentId, btc.instrumentType, btc.baseAsset, btc.quoteAsset], ['HYPERLIQUID:BTC', 'PERPETUAL', 'BTC', 'USDC']);

  await stack.rpc('command.subscription.create', { venue: 'HYPERLIQUID', instruments: ['HYPERLIQUID:BTC'], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' });
  await eventually(() => fake.subscriptions().includes('l2Book:BTC'), 'the l2Book subscription on the fake');
  const books = await stack.subscribe('market:orderbook:HYPERLIQUID:BTC');
  fake.pushBook('BTC', { bids: [['64000', '2.5']] });
  await eventually(() => books.some((b) => publishedBookKey(b) === truth()), "a publication equal to Hyperliquid's book");
  assert.equal(books.at(-1).venue, 'HYPERLIQUID');

  fake.dropSockets();
  await eventually(() => fake.subscriptions().includes('l2Book:BTC'), 'the subscription again after the drop');
  fake.pushBook('BTC', { asks: [['64001', '0']] });
  await eventually(() => publishedBookKey(books.at(-1)) === truth(), 'the book after the drop');
});

test('a Hyperliquid account (master address + agent key) trades BTC through Cadenza; the signed order is verified and filled', async () => {
  const account = await connectedAccount(stack, 'HYPERLIQUID', 'hyperliquid stack', { credentialType: 'API_KEY', apiKey: MASTER, secretKey: AGENT_KEY });
  tradingAccountId = account.tradingAccountId;
  assert.notEqual(account.credential.apiKey, MASTER, 'the address comes back masked');
  assert.ok(!JSON.stringify(account.credential).includes(AGENT_KEY.slice(2, 20)), 'the key never comes back');

  const placed = await stack.rpc('command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: 'HYPERLIQUID:BTC', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '60000', timeInForce: 'GTC' } });
  await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'ACCEPTED');
  const signed = fake.trading.actions.find((a) => a.action.type === 'order')!;
  assert.deepEqual([signed.user, signed.signer], [MASTER, addressOfKey(AGENT_KEY)], 'signed by the agent, for the master');
  fake.fillResting(MASTER, openOrder('60000').oid);
  const filled = await stack.orderIn(tradingAccountId, placed.tradeOrderId, 'FILLED');
  assert.equal(Number(filled.executedQuantity), 0.01);
  // Hyperliquid keeps the position: its report is the account's position on the perpetual.
  await eventually(async () => {
    const p = (await stack.rpc('query.portfolio.get', { tradingAccountId })).positions?.find((x: any) => x.instrumentId === 'HYPERLIQUID:BTC');
    return p?.status === 'OPEN' && p.positionSide === 'LONG' && Number(p.quantity) === 0.01;
  }, 'the long of 0.01 BTC in the portfolio');
});

test('a fill made while Cadenza was stopped is reconciled at restart, once', async () => {
  const a = await stack.rpc('command.trade_order.submit', { tradingAccountId, tradeOrder: { instrumentId: 'HYPERLIQUID:BTC', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.004', limitPrice: '59000', timeInForce: 'GTC', clientOrderId: 'hl-recon-a' } });
  await stack.orderIn(tradingAccountId, a.tradeOrderId, 'ACCEPTED');
  await stack.stop();
  const oid = openOrder('59000').oid;
  fake.fillResting(MASTER, oid, '0.001');
  await stack.start();
  await eventually(async () => Number((await stack.rpc('query.trade_order.get', { tradeOrderId: a.tradeOrderId, tradingAccountId })).executedQuantity) === 0.001, 'the missed fill of 0.001');
  await eventually(() => fake.subscriptions().includes(`userFills:${MASTER}`), 'the account stream after the restart');
  fake.fillResting(MASTER, oid);
  const filled = await stack.orderIn(tradingAccountId, a.tradeOrderId, 'FILLED');
  assert.equal(Number(filled.executedQuantity), 0.004, 'the missed fill once, then the rest');
});
