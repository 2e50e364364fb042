import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { decodeProtobufCommands, encodeProtobufReplies, protobufCodec, protobufTypes } from './protobuf-codec.ts';
import { FrameError, RawJson } from './frames.ts';

function frame(...commands: object[]): Buffer {
  const w = protobuf.Writer.create();
  for (const c of commands) protobufTypes.Command.encodeDelimited(protobufTypes.Command.fromObject(c), w);
  return Buffer.from(w.finish());
}

test('decodes length-delimited commands; a zero-length message is the empty command (pong)', () => {
  const f = Buffer.concat([frame({ id: 1, connect: { token: 't', name: 'js' } }, { id: 2, subscribe: { channel: 'c', recover: true, offset: 7, epoch: 'E', flag: 1 } }), Buffer.from([0])]);
  assert.deepEqual(decodeProtobufCommands(f), [
    { id: 1, method: 'connect', connect: { token: 't', name: 'js' } },
    { id: 2, method: 'subscribe', subscribe: { channel: 'c', recover: true, offset: 7, epoch: 'E', flag: 1 } },
    { id: 0, method: undefined, empty: true },
  ]);
});

test('payload bytes holding JSON are parsed; other bytes are passed on raw', () => {
  const [a, b] = decodeProtobufCommands(frame({ id: 1, rpc: { method: 'm', data: Buffer.from('{"x":1}') } }, { id: 2, rpc: { method: 'm', data: Buffer.from([0xff, 0x00]) } }));
  assert.deepEqual(a, { id: 1, method: 'rpc', rpc: { method: 'm', data: { x: 1 } } });
  assert.ok(b!.method === 'rpc' && b.rpc.data instanceof Uint8Array);
});

test('truncated or garbage frames are FrameErrors', () => {
  const good = frame({ id: 1, connect: { token: 'abc' } });
  for (const bad of [good.subarray(0, good.length - 2), Buffer.from([0x05, 0x08]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(0)]) {
    assert.throws(() => decodeProtobufCommands(bad), FrameError);
  }
});

test('replies encode RawJson payloads as the same JSON bytes and the ping is a single zero byte', () => {
  const bytes = encodeProtobufReplies([{ push: { channel: 'c', pub: { data: RawJson.of({ a: 1 }), offset: 3 } } }]);
  const r = protobufTypes.Reply.toObject(protobufTypes.Reply.decodeDelimited(bytes), { longs: Number }) as { push: { channel: string; pub: { data: Uint8Array; offset: number } } };
  assert.equal(r.push.channel, 'c');
  assert.equal(Buffer.from(r.push.pub.data).toString(), '{"a":1}');
  assert.equal(r.push.pub.offset, 3);
  assert.deepEqual([...protobufCodec.pingFrame], [0]);
  assert.deepEqual([...encodeProtobufReplies([{}])], [0]);
});
