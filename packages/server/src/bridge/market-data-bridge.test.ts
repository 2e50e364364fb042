import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarketDataBridge } from './market-data-bridge.ts';
import type { BookSnapshot, KlineUpdate, TickerSnapshot } from '@cadenza/domain';

function setup() {
  const published: Array<[string, unknown]> = [];
  let bookVersion = 0;
  const bridge = new MarketDataBridge({
    publish: (channel, data) => published.push([channel, data]),
    getBook: (venue, symbol, depth): BookSnapshot => ({
      instrumentId: `${venue}:${symbol}`, venue, symbol, timestamp: ++bookVersion,
      bids: [{ price: String(100 - depth), quantity: '1' }], asks: [{ price: '101', quantity: '2' }],
    }),
    convert: { toOrderBook: (b) => b, toTicker: (t) => t, toKline: (k) => k, toMarketTrade: (t) => t },
  });
  return { bridge, published };
}

const ticker = (last: string, timestamp: number): TickerSnapshot => ({ instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT', lastPrice: last, timestamp });
const kline = (close: string, isClosed: boolean): KlineUpdate => ({
  instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT', interval: '1m', isClosed, timestamp: 0,
  candle: { openTime: 0, open: '1', high: '2', low: '1', close, volume: '3' },
});

test('many book changes between flushes become one snapshot per instrument, pulled at flush time', () => {
  const { bridge, published } = setup();
  for (let i = 0; i < 50; i++) bridge.onBookChanged('PAPER', 'BTC/USDT');
  bridge.onBookChanged('PAPER', 'ETH/USDT');
  bridge.flush(1000);
  assert.deepEqual(published.map(([c]) => c).sort(), ['market:orderbook:PAPER:BTC/USDT', 'market:orderbook:PAPER:ETH/USDT']);
  bridge.flush(1100);
  assert.equal(published.length, 2, 'an unchanged book is not republished');
});

test('tickers are conflated to the latest value at most once per second, on both ticker channels', () => {
  const { bridge, published } = setup();
  bridge.onTicker(ticker('1', 1));
  bridge.flush(1000);
  bridge.onTicker(ticker('2', 2));
  bridge.onTicker(ticker('3', 3));
  bridge.flush(1500);
  assert.equal(published.length, 2);
  bridge.flush(2000);
  assert.deepEqual(published.map(([c, d]) => [c, (d as TickerSnapshot).lastPrice]), [
    ['market:ticker:PAPER:BTC/USDT', '1'], ['market:ticker:PAPER', '1'],
    ['market:ticker:PAPER:BTC/USDT', '3'], ['market:ticker:PAPER', '3'],
  ]);
});

test('a closing kline is published at once and supersedes the queued forming bar', () => {
  const { bridge, published } = setup();
  bridge.onKline(kline('5', false));
  bridge.flush(0);
  bridge.onKline(kline('6', false));
  bridge.onKline(kline('7', true));
  bridge.flush(5000);
  assert.deepEqual(published.map(([, d]) => [(d as KlineUpdate).candle.close, (d as KlineUpdate).isClosed]), [['5', false], ['7', true]]);
});

test('trades are published immediately on the trade channel', () => {
  const { bridge, published } = setup();
  bridge.onTrade({ instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT', tradeId: 't1', price: '1', quantity: '2', side: 'BUY', timestamp: 5 });
  assert.equal(published[0]?.[0], 'market:trade:PAPER:BTC/USDT');
});
