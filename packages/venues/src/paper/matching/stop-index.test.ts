import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SubmitOrder } from './engine-messages.ts';
import { limit, market, testEngine } from '../../../test/support/engine-fixture.ts';
import { StopIndex } from './stop-index.ts';

const stop = (id: number, side: 'BUY' | 'SELL', type: SubmitOrder['type'], stopTicks: number): SubmitOrder => ({
  id, owner: 1, side, type, timeInForce: 'GTC', lots: 1, stopTicks,
});

describe('StopIndex', () => {
  test('fires stops in the order the price passes them, ties by age', () => {
    const s = new StopIndex();
    s.add(stop(1, 'BUY', 'STOP_LOSS', 105), 0, 100);
    s.add(stop(2, 'BUY', 'STOP_LOSS', 102), 0, 100);
    s.add(stop(3, 'SELL', 'TAKE_PROFIT', 102), 0, 100);
    s.add(stop(4, 'SELL', 'STOP_LOSS', 95), 0, 100);
    const fired: number[] = [];
    for (let f = s.takeFiring(110); f; f = s.takeFiring(110)) fired.push(f.order.id);
    assert.deepEqual(fired, [2, 3, 1]);
    assert.equal(s.size, 1);
    assert.equal(s.takeFiring(96), undefined);
    assert.equal(s.takeFiring(95)!.order.id, 4);
  });

  test('a removed stop never fires', () => {
    const s = new StopIndex();
    s.add(stop(1, 'SELL', 'STOP_LOSS', 95), 0, 100);
    s.add(stop(2, 'SELL', 'STOP_LOSS', 94), 0, 100);
    assert.equal(s.remove(1)!.order.id, 1);
    assert.equal(s.takeFiring(90)!.order.id, 2);
    assert.equal(s.takeFiring(90), undefined);
  });

  test('trailing stops follow the price', () => {
    const s = new StopIndex();
    s.add({ ...stop(1, 'SELL', 'TRAILING_STOP', 0), stopTicks: undefined, trailingTicks: 3 }, 0, undefined);
    assert.equal(s.takeFiring(1), undefined, 'no reference before a trade');
    s.observe(100);
    s.observe(108);
    assert.equal(s.takeFiring(106), undefined);
    assert.equal(s.takeFiring(105)!.order.id, 1);
  });

  test('ten thousand distant stops do not slow down trading', () => {
    const e = testEngine();
    for (let i = 0; i < 10_000; i++) e.submit({ ...market('SELL', 1, { owner: 5 }), type: 'STOP_LOSS', timeInForce: 'GTC', stopTicks: 10 + (i % 50) }, 0);
    e.submit(limit('SELL', 1000, 1_000_000, { owner: 6 }), 0);
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 5000; i++) e.submit(market('BUY', 1, { owner: 7 }), 0);
    const cpu = process.cpuUsage(cpu0);
    assert.ok((cpu.user + cpu.system) / 1000 < 1000, 'each trade checks the nearest stop only');
    assert.equal(e.pendingStops().length, 10_000);
  });
});
