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
  for (const bad of ['market:orderbook:binance:BTC/USDT', 'market:orderbook:NOPE:BTC/USDT', 'market:orderbook:PAPER:BTC USDT',
    'market:orderbook:PAPER:-BTC', 'market:orderbook:PAPER:BTC--PERP', 'market:orderbook:PAPER:btc/usdt',
    'market:kline:PAPER:BTC/USDT:7m', 'market:orderbook:PAPER', 'other:x', 'tradingAccount:', 'market:trade:PAPER:BTC/USDT:extra',
    'market:instrument:PAPER:BTC/USDT', 'market:security']) {
    assert.equal(parseChannel(bad), undefined, bad);
  }
});

test('instrument ids are VENUE:BASE/QUOTE, or VENUE:NAME for derivatives', () => {
  assert.deepEqual(parseInstrumentId('PAPER:BTC/USDT'), { venue: 'PAPER', symbol: 'BTC/USDT' });
  assert.deepEqual(parseInstrumentId('PAPER:BTC-PERP'), { venue: 'PAPER', symbol: 'BTC-PERP' });
  assert.deepEqual(parseInstrumentId('DERIBIT:BTC-27JUN25-60000-C'), { venue: 'DERIBIT', symbol: 'BTC-27JUN25-60000-C' });
  assert.deepEqual(parseChannel(channels.orderBook('HYPERLIQUID', 'kPEPE')), { kind: 'market', stream: 'orderbook', venue: 'HYPERLIQUID', symbol: 'kPEPE' });
  assert.equal(parseInstrumentId('PAPER:BTC/'), undefined);
  assert.equal(parseInstrumentId('PAPER:BTC PERP'), undefined);
  assert.equal(parseInstrumentId('PAPER:' + 'A'.repeat(65)), undefined);
  assert.equal(parseInstrumentId('BTC/USDT'), undefined);
});
