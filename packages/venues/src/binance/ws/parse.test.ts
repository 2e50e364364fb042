import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDepthDiff, parseKlineEvent, parseStreamMessage, parseTicker, parseTrade } from './parse.ts';
import { fixture, fixtureObject } from '@cadenza/testkit/venue-fakes/binance';

const ref = { instrumentId: 'BINANCE:BNB/BTC', venue: 'BINANCE', symbol: 'BNB/BTC' };

describe('market stream payloads', () => {
  test('combined-stream envelope, control replies and errors are told apart', () => {
    const data = parseStreamMessage(JSON.stringify({ stream: 'bnbbtc@trade', data: fixture('trade') }));
    assert.equal(data.kind, 'data');
    assert.deepEqual(parseStreamMessage(JSON.stringify(fixture('ws-subscribe-response'))), { kind: 'result', id: 1, result: null });
    assert.deepEqual(parseStreamMessage('{"code": 2, "msg": "Invalid request", "id": 4}'), { kind: 'error', id: 4, code: 2, msg: 'Invalid request' });
    assert.equal(parseStreamMessage('not json').kind, 'unknown');
  });

  test('trade: buyer-is-maker means the taker sold', () => {
    assert.deepEqual(parseTrade(fixtureObject('trade'), ref), {
      ...ref,
      tradeId: '12345',
      price: '0.001',
      quantity: '100',
      side: 'SELL',
      timestamp: 1672515782136,
    });
  });

  test('ticker, kline and depth diff', () => {
    const t = parseTicker(fixtureObject('ticker'), ref);
    assert.equal(t.lastPrice, '0.0025');
    assert.equal(t.bidPrice, '0.0024');
    assert.equal(t.askQuantity, '100');
    assert.equal(t.priceChangePercent, '250.00');
    const k = parseKlineEvent(fixtureObject('kline'), ref);
    assert.equal(k.interval, '1m');
    assert.equal(k.isClosed, false);
    assert.deepEqual(k.candle, { openTime: 1672515780000, open: '0.001', high: '0.0025', low: '0.0015', close: '0.002', volume: '1000' });
    const d = parseDepthDiff(fixtureObject('depth-update'));
    assert.equal(d.firstUpdateId, 157);
    assert.equal(d.finalUpdateId, 160);
    assert.deepEqual(d.bids, [['0.0024', '10']]);
  });
});
