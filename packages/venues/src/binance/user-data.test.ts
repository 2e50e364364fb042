import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mapExecutionReport, parseAccountPosition, parseExecutionReport, parseWsApiMessage, reportOrderKey } from './user-data.ts';
import { fixture, fixtureObject } from '@cadenza/testkit/venue-fakes/binance';

const ref = { tradeOrderId: 'ord-1', tradingAccountId: 'acc-1', fallbackFeeAsset: 'BTC' };

function report(patch: Record<string, unknown>) {
  return parseExecutionReport({ ...fixtureObject('execution-report'), ...patch });
}

describe('executionReport → ExecutionEvent', () => {
  test('NEW → accepted with the Binance order id', () => {
    const r = parseExecutionReport(fixture('execution-report'));
    assert.equal(reportOrderKey(r), 'mUvoqJxFIILMdfAW5iGSOW');
    assert.deepEqual(mapExecutionReport(r, ref), {
      type: 'accepted',
      tradeOrderId: 'ord-1',
      tradingAccountId: 'acc-1',
      externalOrderId: '4293153',
      timestamp: 1499405658657,
    });
  });

  test('TRADE → filled with trade id t, price L, qty l, fee n in N, maker flag m', () => {
    const r = report({ x: 'TRADE', X: 'PARTIALLY_FILLED', t: 77, L: '0.10264410', l: '0.50000000', n: '0.00050000', N: 'ETH', m: true });
    assert.deepEqual(mapExecutionReport(r, ref), {
      type: 'filled',
      tradeOrderId: 'ord-1',
      tradingAccountId: 'acc-1',
      externalOrderId: '4293153',
      timestamp: 1499405658657,
      tradeId: '77',
      price: '0.1026441',
      quantity: '0.5',
      fee: '0.0005',
      feeAsset: 'ETH',
      liquidity: 'MAKER',
    });
    const noFee = mapExecutionReport(report({ x: 'TRADE', t: 78, n: '0', N: null, m: false }), ref);
    assert.ok(noFee?.type === 'filled' && noFee.feeAsset === 'BTC' && noFee.liquidity === 'TAKER');
  });

  test('cancels are looked up by the original client order id', () => {
    const r = report({ x: 'CANCELED', X: 'CANCELED', c: 'cancel-req-1', C: 'mUvoqJxFIILMdfAW5iGSOW' });
    assert.equal(reportOrderKey(r), 'mUvoqJxFIILMdfAW5iGSOW');
    assert.equal(mapExecutionReport(r, ref)?.type, 'cancelled');
  });

  test('REJECTED, EXPIRED, TRADE_PREVENTION and REPLACED', () => {
    const rej = mapExecutionReport(report({ x: 'REJECTED', X: 'REJECTED', r: 'INSUFFICIENT_BALANCES' }), ref);
    assert.ok(rej?.type === 'rejected' && rej.reason === 'INSUFFICIENT_BALANCES');
    assert.equal(mapExecutionReport(report({ x: 'EXPIRED', X: 'EXPIRED' }), ref)?.type, 'expired');
    const stp = mapExecutionReport(report({ x: 'TRADE_PREVENTION', X: 'EXPIRED_IN_MATCH' }), ref);
    assert.ok(stp?.type === 'expired' && stp.reason === 'EXPIRED_IN_MATCH');
    assert.equal(mapExecutionReport(report({ x: 'REPLACED' }), ref), undefined);
    assert.throws(() => report({ x: 'SOMETHING_NEW' }));
  });
});

describe('account and WebSocket API frames', () => {
  test('outboundAccountPosition → balances', () => {
    assert.deepEqual(parseAccountPosition(fixture('outbound-account-position'), 'acc-1'), {
      type: 'balances',
      tradingAccountId: 'acc-1',
      balances: [{ asset: 'ETH', free: '10000', locked: '0' }],
      timestamp: 1564034571105,
    });
  });

  test('subscription replies and wrapped events', () => {
    assert.deepEqual(parseWsApiMessage(JSON.stringify(fixture('ws-api-subscribe-response'))), {
      kind: 'response',
      id: 'd3df8a21-98ea-4fe0-8f4e-0fcea5d418b7',
      status: 200,
      result: { subscriptionId: 0 },
    });
    const ev = parseWsApiMessage(JSON.stringify({ subscriptionId: 3, event: fixture('execution-report') }));
    assert.ok(ev.kind === 'event' && ev.subscriptionId === 3 && ev.event.e === 'executionReport');
    const terminated = parseWsApiMessage(JSON.stringify(fixture('event-stream-terminated')));
    assert.ok(terminated.kind === 'event' && terminated.subscriptionId === undefined);
  });
});
