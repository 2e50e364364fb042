import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountEvent } from '@cadenza/contract';
import { silentLogger } from './ports/logger.ts';
import { Publisher } from './publisher.ts';

const recording = () => {
  const sent: Array<{ channel: string; event: AccountEvent }> = [];
  let t = 1000;
  const publisher = new Publisher({ publish: (channel, event) => void sent.push({ channel, event }) }, { now: () => t++ }, silentLogger);
  return { sent, publisher };
};

test('toEach hands one event object to every channel, in the order given', () => {
  const { sent, publisher } = recording();
  publisher.toEach(['tradingAccount:t', 'tradingAccount:d'], 'event.quote.updated', { quoteId: 'q' });
  assert.deepEqual(sent.map((s) => s.channel), ['tradingAccount:t', 'tradingAccount:d']);
  assert.equal(sent[0]!.event, sent[1]!.event, 'the same object, so a sink may serialise it once');
  assert.deepEqual(sent[0]!.event, { type: 'event.quote.updated', data: { quoteId: 'q' }, timestamp: 1000 });
});

test('in a batch, toEach is held with the other events and keeps its place; a failing batch drops it', () => {
  const { sent, publisher } = recording();
  publisher.batch(() => {
    publisher.toAccount('a', 'event.trade_order.updated', 1);
    publisher.toEach(['tradingAccount:t', 'user:u'], 'event.quote.updated', 2);
    publisher.toAccount('a', 'event.portfolio.updated', 3);
    assert.equal(sent.length, 0, 'nothing goes out before the batch returns');
  });
  assert.deepEqual(sent.map((s) => [s.channel, s.event.data]), [['tradingAccount:a', 1], ['tradingAccount:t', 2], ['user:u', 2], ['tradingAccount:a', 3]]);
  assert.equal(sent[1]!.event, sent[2]!.event);
  sent.length = 0;
  assert.throws(() =>
    publisher.batch(() => {
      publisher.toEach(['tradingAccount:t', 'tradingAccount:d'], 'event.quote.updated', 4);
      throw new Error('the unit failed');
    }),
  );
  assert.equal(sent.length, 0);
});
