import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { jsonCodec, protobufCodec, protobufTypes, RawJson, type Codec, type Reply } from '@cadenza/protocol';
import { SharedFrame } from '../transport/ws-frame.ts';
import { FrameCache, frameOf, type Outgoing } from './outgoing.ts';

// ws's receiver (CommonJS, untyped) is the frame parser the official clients use in Node.
const { Receiver } = createRequire(import.meta.url)('ws') as {
  Receiver: new (o: { isServer: boolean }) => NodeJS.WritableStream & { on(e: string, f: (...a: never[]) => void): void };
};

/** The messages of one frame as a client reads them: one WebSocket message, split by the protocol's rules. */
function readFrame(frame: Buffer, codec: Codec): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const r = new Receiver({ isServer: false });
    r.on('message', (data: Buffer, binary: boolean) => {
      assert.equal(binary, codec.binary);
      if (!codec.binary) return resolve(data.toString().split('\n').map((l) => JSON.parse(l)));
      const reader = protobuf.Reader.create(data);
      const out: unknown[] = [];
      while (reader.pos < reader.len) out.push(protobufTypes.Reply.toObject(protobufTypes.Reply.decodeDelimited(reader), { longs: Number, bytes: String }));
      resolve(out);
    });
    r.on('error', reject);
    r.write(frame);
  });
}

const pub = (n: number): Reply => ({ push: { channel: 'news:a', pub: { data: RawJson.of({ n }), offset: n } } });
const shared = (codec: Codec, n: number) => new SharedFrame(codec.encodeReplies([pub(n)]), codec.binary);

test('a lone shared push is written as its pre-built frame', () => {
  for (const codec of [jsonCodec, protobufCodec]) {
    const s = shared(codec, 1);
    assert.equal(frameOf([s], codec), s.frame);
  }
});

test('replies, shared pushes and pings queued in one turn leave in one frame, in order (JSON lines)', async () => {
  const queue: Outgoing[] = [{ id: 1, rpc: { data: RawJson.of({ ok: true }) } }, shared(jsonCodec, 7), jsonCodec.pingFrame, { id: 2, rpc: {} }, { id: 3, publish: {} }, shared(jsonCodec, 8)];
  assert.deepEqual(await readFrame(frameOf(queue, jsonCodec), jsonCodec), [
    { id: 1, rpc: { data: { ok: true } } },
    { push: { channel: 'news:a', pub: { data: { n: 7 }, offset: 7 } } },
    {},
    { id: 2, rpc: {} },
    { id: 3, publish: {} },
    { push: { channel: 'news:a', pub: { data: { n: 8 }, offset: 8 } } },
  ]);
});

test('the same in protobuf: length-delimited messages, the ping an empty one', async () => {
  const queue: Outgoing[] = [{ id: 1, rpc: {} }, shared(protobufCodec, 7), protobufCodec.pingFrame, shared(protobufCodec, 8)];
  const got = (await readFrame(frameOf(queue, protobufCodec), protobufCodec)) as Array<Record<string, any>>;
  assert.equal(got.length, 4);
  assert.equal(got[0]!.id, 1);
  assert.equal(got[1]!.push.pub.offset, 7);
  assert.equal(Buffer.from(got[1]!.push.pub.data, 'base64').toString(), '{"n":7}');
  assert.deepEqual(got[2], {});
  assert.equal(got[3]!.push.pub.offset, 8);
});

test('connections that queued the same shared pushes share one joined frame; any other queue gets its own', () => {
  const cache = new FrameCache();
  const [a, b] = [shared(jsonCodec, 1), shared(jsonCodec, 2)];
  const first = frameOf([a, b], jsonCodec, cache);
  assert.equal(frameOf([a, b], jsonCodec, cache), first);
  assert.notEqual(frameOf([b, a], jsonCodec, cache), first);
  assert.notEqual(frameOf([a, b, jsonCodec.pingFrame], jsonCodec, cache), first);
  const [pa, pb] = [shared(protobufCodec, 1), shared(protobufCodec, 2)];
  assert.notEqual(frameOf([pa, pb], protobufCodec, cache), frameOf([a, b], jsonCodec, cache));
});
