/**
 * The domain and RPC table against the real PAPER venue (matching engine + simulated market): market orders fill
 * against simulated liquidity, resting orders fill as the market trades through them, and the ledger equals the
 * initial balances plus fills minus fees to the last digit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, str, type Dec } from '@cadenza/domain';
import { paperRpcWorld } from './paper-rpc-world.ts';

const world = () => paperRpcWorld({ seed: 7, instruments: ['BTC/USDT', 'ETH/USDT'], steps: 20 });

test('PAPER: orders trade against the simulated market and the ledger is exact', async () => {
  const w = await world();
  const instruments = await w.call('query.instrument.list', { venue: 'PAPER' });
  assert.deepEqual(instruments.data.map((i: any) => i.symbol).sort(), ['BTC/USDT', 'ETH/USDT']);
  const book = await w.call('query.orderbook.get', { instrumentId: 'PAPER:BTC/USDT', depth: 5 });
  assert.equal(book.error, undefined, JSON.stringify(book.error));
  assert.ok(book.data.asks.length > 0 && book.data.bids.length > 0);

  const acct = (await w.call('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).data.tradingAccountId;
  const spec = instruments.data.find((i: any) => i.symbol === 'BTC/USDT');
  const buy = await w.call('command.trade_order.submit', { tradingAccountId: acct, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' }, awaitClosed: true });
  assert.equal(buy.error, undefined, JSON.stringify(buy.error));
  assert.equal(buy.data.status, 'FILLED');
  assert.equal(buy.data.executedQuantity, '0.01');

  const byQuote = await w.call('command.trade_order.submit', { tradingAccountId: acct, tradeOrder: { instrumentId: 'PAPER:ETH/USDT', orderSide: 'BUY', orderType: 'MARKET', quantityType: 'QUOTE', quantity: '500' }, awaitClosed: true });
  assert.equal(byQuote.error, undefined, JSON.stringify(byQuote.error));
  assert.ok(['FILLED', 'EXPIRED', 'CANCELLED'].includes(byQuote.data.status), byQuote.data.status);

  const bestBid = dec(book.data.bids[0][0]);
  const tick = dec(spec.pipSize);
  const limitPrice = str(bestBid.sub(tick.mul(20)).div(tick).floor().mul(tick));
  const resting = await w.call('command.trade_order.submit', { tradingAccountId: acct, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.02', limitPrice } });
  assert.equal(resting.error, undefined, JSON.stringify(resting.error));
  assert.ok(['SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED', 'FILLED'].includes(resting.data.status));
  for (let i = 0; i < 200; i++) {
    w.clock.advance(250);
    w.paper.step();
  }
  const open = (await w.call('query.trade_order.list', { tradingAccountId: acct, status: 'ACCEPTED' })).data;
  for (const o of open) await w.call('command.trade_order.cancel', { tradingAccountId: acct, tradeOrderId: o.tradeOrderId });

  // Ledger: initial + Σ fills − Σ fees, per asset, exactly; nothing left locked.
  const initial: Record<string, Dec> = { USDT: dec('100000'), BTC: dec('1'), ETH: dec('10') };
  const expected = { ...initial };
  const orders = (await w.call('query.trade_order.list', { tradingAccountId: acct, pagination: { limit: 100 } })).data;
  for (const o of orders) {
    for (const f of (await w.store.listFills(o.tradeOrderId))) {
      const cost = dec(f.price).mul(f.quantity);
      const [base, quote] = [o.baseAsset, o.quoteAsset];
      expected[base] = (expected[base] ?? dec(0))[f.side === 'BUY' ? 'add' : 'sub'](f.quantity);
      expected[quote] = (expected[quote] ?? dec(0))[f.side === 'BUY' ? 'sub' : 'add'](cost);
      expected[f.feeAsset] = (expected[f.feeAsset] ?? dec(0)).sub(f.fee);
    }
  }
  const portfolio = (await w.call('query.portfolio.get', { tradingAccountId: acct })).data;
  for (const b of portfolio.balances) {
    assert.equal(b.locked, '0', `${b.securitySymbol} has nothing locked`);
    assert.equal(b.total, str(expected[b.securitySymbol] ?? dec(0)), `${b.securitySymbol} = initial + fills − fees`);
  }
  assert.ok(dec(portfolio.summary.equity).gt(0));
  await w.cadenza.stop();
});

test('PAPER: an amendment and a cancel of one order at once leave nothing locked, and a cancelled order answers so', async () => {
  const w = await world();
  const acct = (await w.call('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).data.tradingAccountId;
  const book = await w.call('query.orderbook.get', { instrumentId: 'PAPER:BTC/USDT', depth: 1 });
  const limitPrice = str(dec(book.data.bids[0][0]).sub(100));
  const order = (await w.call('command.trade_order.submit', { tradingAccountId: acct, tradeOrder: { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.1', limitPrice } })).data;
  const key = { tradingAccountId: acct, tradeOrderId: order.tradeOrderId };
  // The amendment triples the lock; the cancel, resumed after it, must release the tripled lock, not the one it first read.
  const [amended, cancelled] = await Promise.all([w.call('command.trade_order.amend', { ...key, quantity: '0.3' }), w.call('command.trade_order.cancel', key)]);
  assert.equal(amended.error, undefined, JSON.stringify(amended.error));
  assert.equal(cancelled.error, undefined, JSON.stringify(cancelled.error));
  const after = (await w.call('query.trade_order.get', key)).data;
  assert.deepEqual([after.status, after.quantity], ['CANCELLED', '0.3']);
  const usdt = (await w.call('query.portfolio.get', { tradingAccountId: acct })).data.balances.find((b: any) => b.securitySymbol === 'USDT');
  assert.deepEqual([usdt.locked, usdt.free, usdt.total], ['0', '100000', '100000']);
  await w.cadenza.stop();
});
