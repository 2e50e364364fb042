import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawJson } from '@cadenza/protocol';
import { decodeMessage, encodeInfo, encodeMeta } from './redis-wire.ts';

test('redis wire: a publication keeps its data text, info, tags and time; join/leave keep client info', () => {
  const info = { user: 'u\n1', client: 'c', conn_info: new RawJson('{\n  "a": 1\n}'), chan_info: RawJson.of([1]) };
  const data = '{\n  "pretty": "x"\n}';
  const m = decodeMessage(`p7\nEP\n${encodeMeta(123, info, { k: 'v' })}\n${data}`);
  assert.equal(m.kind, 'pub');
  if (m.kind !== 'pub') return;
  assert.equal(m.pub.offset, 7);
  assert.equal(m.pub.data.text, data);
  assert.equal(m.pub.time, 123);
  assert.deepEqual(m.pub.tags, { k: 'v' });
  assert.equal(m.pub.info?.user, 'u\n1');
  assert.deepEqual(JSON.parse(m.pub.info!.conn_info!.text), { a: 1 });
  const j = decodeMessage(`j${encodeInfo(info)}`);
  assert.deepEqual(j.kind === 'join' && [j.info.client, j.info.chan_info?.text], ['c', '[1]']);
  assert.equal(decodeMessage(`l${encodeInfo({ user: 'x', client: 'y' })}`).kind, 'leave');
});

test('redis wire: messages it did not write are refused with an error', () => {
  for (const bad of ['', 'zzz', 'p1', 'p1\ne\n{}', 'px\ne\n{}\n1', 'p-1\ne\n{}\n1', 'p1\ne\n{bad\n1', 'j{']) {
    assert.throws(() => decodeMessage(bad), Error, JSON.stringify(bad));
  }
});
