import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJsonCommands, encodeJsonReplies, stringifyReply } from './json-codec.ts';
import { FrameError, RawJson } from './frames.ts';

test('decodes several newline-separated commands of one frame, in order, ignoring unknown fields', () => {
  const cmds = decodeJsonCommands('{"id":1,"connect":{"token":"t","name":"js","flag":3}}\n{"id":2,"subscribe":{"channel":"a","flag":1,"tf":{"op":"eq"}}}\n{}');
  assert.deepEqual(cmds, [
    { id: 1, method: 'connect', connect: { token: 't', name: 'js' } },
    { id: 2, method: 'subscribe', subscribe: { channel: 'a', flag: 1 } },
    { id: 0, method: undefined, empty: true },
  ]);
});

test('payloads stay JSON values; missing required strings default to empty', () => {
  const [rpc, pub] = decodeJsonCommands('{"id":3,"rpc":{"method":"m","data":{"a":[1,2]}}}\n{"id":4,"publish":{"data":null}}');
  assert.deepEqual(rpc, { id: 3, method: 'rpc', rpc: { method: 'm', data: { a: [1, 2] } } });
  assert.deepEqual(pub, { id: 4, method: 'publish', publish: { channel: '' } });
});

test('a command naming several requests is read as the first in wire order, whatever the key order; a null one is absent', () => {
  const [a, b, c] = decodeJsonCommands('{"rpc":{"method":"m"},"id":5,"connect":{"name":"n"}}\n{"id":6,"publish":null,"presence":{"channel":"p"}}\n{"id":7,"rpc":"x","ping":{}}');
  assert.deepEqual(a, { id: 5, method: 'connect', connect: { name: 'n' } });
  assert.deepEqual(b, { id: 6, method: 'presence', presence: { channel: 'p' } });
  assert.deepEqual(c, { id: 7, method: 'ping', ping: {} });
  assert.throws(() => decodeJsonCommands('{"id":8,"rpc":{"method":"m"},"connect":"x"}'), FrameError, 'connect comes first and is not an object');
});

test('malformed frames are FrameErrors: invalid JSON, non-objects, wrong field types, bad ids, empty frames', () => {
  for (const bad of ['{', '[]', '"x"', '{"id":-1,"ping":{}}', '{"id":1.5,"ping":{}}', '{"id":1,"subscribe":{"channel":5}}', '{"id":1,"subscribe":"x"}', '{"id":1,"history":{"channel":"a","since":{"offset":-2}}}', '', '\n \n', '{"id":1,"connect":{"headers":{"a":1}}}']) {
    assert.throws(() => decodeJsonCommands(bad), FrameError, bad);
  }
});

test('replies write RawJson inline, leave out undefined fields, and never contain a raw newline', () => {
  const text = stringifyReply({ id: 1, error: undefined, rpc: { data: RawJson.of({ s: 'a\nb' }) } });
  assert.equal(text, '{"id":1,"rpc":{"data":{"s":"a\\nb"}}}');
  const frame = encodeJsonReplies([{ id: 1, publish: {} }, { push: { channel: 'c', pub: { data: RawJson.of([1]), offset: 2 } } }]).toString();
  assert.deepEqual(frame.split('\n').map((l) => JSON.parse(l)), [{ id: 1, publish: {} }, { push: { channel: 'c', pub: { data: [1], offset: 2 } } }]);
});

test('replies with and without RawJson inside serialise alike (undefined fields left out, undefined in arrays as null)', () => {
  const plain = { id: 1, connect: { client: 'c', version: '1', ping: 25, pong: true, expires: undefined, subs: { a: { offset: 3, epoch: 'e', list: [1, undefined] } } } };
  const expected = '{"id":1,"connect":{"client":"c","version":"1","ping":25,"pong":true,"subs":{"a":{"offset":3,"epoch":"e","list":[1,null]}}}}';
  assert.equal(stringifyReply(plain), expected);
  const mixed = { ...plain, connect: { ...plain.connect, data: RawJson.of({ x: 1 }) } };
  assert.equal(stringifyReply(mixed), expected.replace('}}}}', '}},"data":{"x":1}}}'));
});

test('RawJson.later serialises its value when the text is first read, once, and writes as RawJson.of would', () => {
  let serialised = 0;
  const value = { n: 1, nested: { s: 'a\nb' }, toJSON: undefined as unknown };
  value.toJSON = () => (serialised++, { n: value.n, nested: value.nested });
  const raw = RawJson.later(value);
  const unread = RawJson.later({ toJSON: () => assert.fail('a value no one reads is never serialised') });
  assert.equal(serialised, 0, 'nothing serialised until read');
  const text = raw.text;
  assert.equal(raw.text, text);
  assert.deepEqual(raw.bytes, Buffer.from(text));
  assert.equal(stringifyReply({ id: 1, rpc: { data: raw } }), `{"id":1,"rpc":{"data":${text}}}`);
  assert.equal(serialised, 1, 'serialised once, however often read');
  assert.equal(text, RawJson.of(value).text);
  assert.equal(text, '{"n":1,"nested":{"s":"a\\nb"}}');
  assert.equal(RawJson.later(undefined).text, 'null');
  assert.ok(unread instanceof RawJson);
});
