import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawJson } from '@cadenza/gateway';
import { serialisedEvents } from '../src/publish/serialised-events.ts';

test('one event object published on several channels is serialised once; another object gets its own text', () => {
  const out: Array<[string, RawJson]> = [];
  const sink = serialisedEvents((channel, data) => void out.push([channel, data]));
  const quote = { type: 'event.quote.updated', data: { quoteId: 'q1', status: 'CREATED' }, timestamp: 1 };
  sink.publish('tradingAccount:trader', quote);
  sink.publish('tradingAccount:dealer', quote);
  const equal = { ...quote };
  sink.publish('tradingAccount:trader', equal);
  assert.deepEqual(out.map(([c]) => c), ['tradingAccount:trader', 'tradingAccount:dealer', 'tradingAccount:trader']);
  assert.equal(out[0]![1], out[1]![1], 'the dealer gets the text made for the trader');
  assert.notEqual(out[2]![1], out[1]![1], 'a new object is serialised anew (events are compared by identity)');
  for (const [, raw] of out) assert.deepEqual(JSON.parse(raw.text), quote);
});
