import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAccountBalances, parseDepthSnapshot, parseErrorPayload, parseExchangeInfo, parseKlines, parseMyTrades, parseOrderReport, parseServerTime } from './parse.ts';
import { fixture } from '@cadenza/testkit/venue-fakes/binance';
import { VenueError } from '../../kit/venue-error.ts';

describe('exchangeInfo → InstrumentSpec', () => {
  test('maps the documented symbol and its filters', () => {
    const { instruments, skipped, weightLimitPerMinute } = parseExchangeInfo(fixture('exchange-info'), 'BINANCE');
    assert.deepEqual(skipped, []);
    assert.equal(weightLimitPerMinute, 6000);
    const eth = instruments[0]!;
    assert.equal(eth.instrumentId, 'BINANCE:ETH/BTC');
    assert.equal(eth.symbol, 'ETH/BTC');
    assert.equal(eth.externalSymbol, 'ETHBTC');
    assert.equal(eth.status, 'ACTIVE');
    assert.equal(eth.tickSize, '0.000001');
    assert.equal(eth.lotSize, '0.001');
    assert.equal(eth.minQuantity, '0.001');
    assert.equal(eth.maxQuantity, '100000');
    assert.equal(eth.minNotional, '10');
    assert.equal(eth.maxNotional, '10000');
    assert.equal(eth.basePrecision, 3);
    assert.equal(eth.quotePrecision, 8);
    assert.ok(eth.orderTypes.includes('STOP_LOSS_LIMIT') && eth.orderTypes.includes('STOP_LIMIT') && eth.orderTypes.includes('LIMIT_MAKER'));
    assert.deepEqual(eth.timeInForceOptions, ['GTC', 'IOC', 'FOK']);
    assert.ok(eth.klineIntervals.includes('1M'));
  });

  test('older symbols with MIN_NOTIONAL and status BREAK', () => {
    const { instruments } = parseExchangeInfo(fixture('exchange-info-min-notional'), 'BINANCE_SANDBOX');
    assert.equal(instruments[0]!.minNotional, '0.001');
    assert.equal(instruments[0]!.maxNotional, undefined);
    assert.equal(instruments[0]!.status, 'DELISTED');
    assert.equal(instruments[0]!.instrumentId, 'BINANCE_SANDBOX:ETH/BTC');
  });

  test('a symbol without PRICE_FILTER is skipped, not fatal', () => {
    const info = fixture('exchange-info') as { symbols: Array<{ filters: Array<{ filterType: string }> }> };
    info.symbols[0]!.filters = info.symbols[0]!.filters.filter((f) => f.filterType !== 'PRICE_FILTER');
    const { instruments, skipped } = parseExchangeInfo(info, 'BINANCE');
    assert.equal(instruments.length, 0);
    assert.equal(skipped[0]!.symbol, 'ETHBTC');
  });
});

describe('REST payloads', () => {
  test('depth snapshot, server time, klines, account', () => {
    assert.deepEqual(parseDepthSnapshot(fixture('depth-snapshot')), {
      lastUpdateId: 1027024,
      bids: [['4.00000000', '431.00000000']],
      asks: [['4.00000200', '12.00000000']],
    });
    assert.equal(parseServerTime(fixture('server-time')), 1499827319559);
    const [k] = parseKlines(fixture('klines'), { instrumentId: 'BINANCE:BNB/BTC', venue: 'BINANCE', symbol: 'BNB/BTC', interval: '1w', now: 1499644799999 + 1 });
    assert.deepEqual(k!.candle, { openTime: 1499040000000, open: '0.0163479', high: '0.8', low: '0.015758', close: '0.015771', volume: '148976.11427815' });
    assert.equal(k!.isClosed, true);
    assert.deepEqual(parseAccountBalances(fixture('account'))[0], { asset: 'BTC', free: '4723846.89208129', locked: '0' });
  });

  test('order answers: FULL with fills, ACK without status, cancel with origClientOrderId', () => {
    const full = parseOrderReport(fixture('order-full'));
    assert.equal(full.status, 'FILLED');
    assert.equal(full.fills.length, 5);
    assert.deepEqual(full.fills[1], { tradeId: '57', price: '3999', quantity: '5', fee: '19.995', feeAsset: 'USDT' });
    const ack = parseOrderReport(fixture('order-ack'));
    assert.equal(ack.status, undefined);
    assert.equal(ack.orderId, 28);
    const cancel = parseOrderReport(fixture('cancel-order'));
    assert.equal(cancel.status, 'CANCELED');
    assert.equal(cancel.origClientOrderId, 'myOrder1');
    assert.equal(parseOrderReport(fixture('query-order')).status, 'NEW');
    assert.equal(parseOrderReport(fixture('query-order')).executedQty, '0');
    assert.deepEqual(parseMyTrades(fixture('my-trades')), [
      { tradeId: '28457', orderId: 100234, price: '4.000001', quantity: '12', fee: '10.1', feeAsset: 'BNB', isMaker: false, time: 1499865549590 },
    ]);
  });

  test('error payloads and malformed bodies', () => {
    assert.deepEqual(parseErrorPayload(fixture('error-new-order-rejected')), { code: -2010, msg: 'Account has insufficient balance for requested action.' });
    assert.equal(parseErrorPayload({ hello: 1 }), undefined);
    assert.throws(() => parseDepthSnapshot({ lastUpdateId: 1, bids: [[4, '1']], asks: [] }), VenueError);
  });
});
