import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channels, parseChannel, parseInstrumentId } from './channels.ts';

test('builds and parses every market channel form', () => {
  assert.deepEqual(parseChannel(channels.orderBook('BINANCE', 'BTC/USDT')), { kind: 'market', stream: 'orderbook', venue: 'BINANCE', symbol: 'BTC/USDT' });
  assert.deepEqual(parseChannel(channels.ticker('PAPER')), { kind: 'market', stream: 'ticker', venue: 'PAPER' });
  assert.deepEqual(parseChannel(channels.kline('PAPER', 'ETH/USDT', '1M')), { kind: 'market', stream: 'kline', venue: 'PAPER', symbol: 'ETH/USDT', interval: '1M' });
  assert.deepEqual(parseChannel('tradingAccount:abc'), { kind: 'tradingAccount', tradingAccountId: 'abc' });
  assert.deepEqual(parseChannel(channels.catalogue('instrument', 'MOCK')), { kind: 'market', stream: 'instrument', venue: 'MOCK' });
  assert.deepEqual(parseChannel(channels.catalogue('security', 'PAPER')), { kind: 'market', stream: 'security', venue: 'PAPER' });
});

test('refuses unknown venues, lower-case venues, bad symbols and intervals', () => {
  for (const bad of ['market:orderbook:binance:BTC/USDT', 'market:orderbook:NOPE:BTC/USDT', 'market:orderbook:PAPER:BTCUSDT',
    'market:kline:PAPER:BTC/USDT:7m', 'market:orderbook:PAPER', 'other:x', 'tradingAccount:', 'market:trade:PAPER:BTC/USDT:extra',
    'market:instrument:PAPER:BTC/USDT', 'market:security']) {
    assert.equal(parseChannel(bad), undefined, bad);
  }
});

test('instrument ids are VENUE:BASE/QUOTE', () => {
  assert.deepEqual(parseInstrumentId('PAPER:BTC/USDT'), { venue: 'PAPER', symbol: 'BTC/USDT' });
  assert.equal(parseInstrumentId('PAPER:BTC-USDT'), undefined);
  assert.equal(parseInstrumentId('BTC/USDT'), undefined);
});
