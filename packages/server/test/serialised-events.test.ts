import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawJson } from '@cadenza/gateway';
import { serialisedData, serialisedEvents } from '../src/publish/serialised-events.ts';

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
  for (const [, raw] of out) assert.equal(raw.text, JSON.stringify(quote));
});

test("an event's data keeps its text for an answer that returns the same object, while it is among the latest events", () => {
  const out: RawJson[] = [];
  const sink = serialisedEvents((_channel, data) => void out.push(data));
  const data = { quoteId: 'q2', note: 'a "quoted" \u2028 text', nested: { list: [1, '2', null] } };
  sink.publish('user:u', { type: 'event.quote.updated', data, timestamp: 1_700_000_000_123 });
  sink.publish('user:u', { type: 'event.n', data: 7, timestamp: 2 });
  const listed = [data];
  sink.publish('user:u', { type: 'event.list', data: listed, timestamp: 3 });
  assert.equal(serialisedData(data), JSON.stringify(data));
  assert.equal(serialisedData(listed), JSON.stringify(listed));
  assert.equal(serialisedData({ ...data }), undefined, 'by identity: an equal object was never published');
  assert.equal(serialisedData(7), undefined);
  assert.deepEqual(out.map((r) => r.text), [
    JSON.stringify({ type: 'event.quote.updated', data, timestamp: 1_700_000_000_123 }),
    JSON.stringify({ type: 'event.n', data: 7, timestamp: 2 }),
    JSON.stringify({ type: 'event.list', data: [data], timestamp: 3 }),
  ]);
  // An event shaped otherwise than {type, data, timestamp} gives no text to cut out; one long gone is not found.
  const odd = { quoteId: 'q3' };
  sink.publish('user:u', { data: odd, type: 'event.odd', timestamp: 4 });
  assert.equal(serialisedData(odd), undefined);
  for (let i = 0; i < 16; i++) sink.publish('user:u', { type: 'event.other', data: { i }, timestamp: 5 });
  assert.equal(serialisedData(data), undefined);
});

test('an event is serialised when its text is first read — one on channels no one reads, never', () => {
  const out: RawJson[] = [];
  const sink = serialisedEvents((_channel, data) => void out.push(data));
  let serialised = 0;
  const data = { orderId: 'o1', toJSON: () => (serialised++, { orderId: 'o1' }) };
  sink.publish('tradingAccount:a', { type: 'event.trade_order.updated', data, timestamp: 1 });
  sink.publish('user:u', { type: 'event.trade_order.updated', data, timestamp: 2 });
  assert.equal(serialised, 0, 'publishing serialises nothing');
  assert.equal(out[1]!.text, '{"type":"event.trade_order.updated","data":{"orderId":"o1"},"timestamp":2}');
  assert.equal(serialisedData(data), '{"orderId":"o1"}', 'an answer returning the data reads the text made for the push');
  assert.equal(serialised, 1, 'once for the push and the answer together');
  assert.equal(out[0]!.text, '{"type":"event.trade_order.updated","data":{"orderId":"o1"},"timestamp":1}');
});
