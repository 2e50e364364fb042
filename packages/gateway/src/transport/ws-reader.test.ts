import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FrameReader, type FrameSink } from './ws-reader.ts';

/** A client frame (RFC 6455 §5.2), masked with a random key unless `mask` is false. */
function frame(opcode: number, payload: Buffer | string, o: { fin?: boolean; mask?: boolean; rsv?: number; declared?: number } = {}): Buffer {
  const data = Buffer.from(payload);
  const len = o.declared ?? data.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const masked = o.mask ?? true;
  const head = Buffer.alloc(2 + ext + (masked ? 4 : 0));
  head[0] = ((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | opcode;
  head[1] = (masked ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) head.writeUInt16BE(len, 2);
  if (ext === 8) head.writeBigUInt64BE(BigInt(len), 2);
  if (!masked) return Buffer.concat([head, data]);
  const key = randomBytes(4);
  key.copy(head, 2 + ext);
  const body = Buffer.from(data.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([head, body]);
}

function reader(maxPayload = 1024): { r: FrameReader; seen: string[] } {
  const seen: string[] = [];
  const sink: FrameSink = {
    onMessage: (data, binary) => seen.push(`${binary ? 'binary' : 'text'}:${data.toString()}`),
    onPing: (p) => seen.push(`ping:${p.toString()}`),
    onPeerClose: (code, reason) => seen.push(`close:${code}:${reason}`),
    onViolation: (code) => seen.push(`violation:${code}`),
  };
  return { r: new FrameReader(maxPayload, sink), seen };
}

/** Feeds a copy of `bytes` (the reader unmasks in place, as it may with the socket's own buffers). */
function feed(original: Buffer, maxPayload?: number, step?: number): string[] {
  const bytes = Buffer.from(original);
  const { r, seen } = reader(maxPayload);
  if (!step) r.push(bytes);
  else for (let i = 0; i < bytes.length; i += step) r.push(bytes.subarray(i, i + step));
  return seen;
}

describe('FrameReader', () => {
  test('text and binary messages of every length class, whole or a byte at a time, several in one chunk', () => {
    for (const len of [0, 1, 125, 126, 1000, 65535, 65536, 70000]) {
      const text = 'a'.repeat(len);
      const bytes = Buffer.concat([frame(1, text), frame(2, text)]);
      const expected = [`text:${text}`, `binary:${text}`];
      assert.deepEqual(feed(bytes, 100_000), expected, `len ${len}`);
      if (len <= 1000) assert.deepEqual(feed(bytes, 100_000, 1), expected, `len ${len}, byte by byte`);
      assert.deepEqual(feed(bytes, 100_000, 7), expected, `len ${len}, 7 bytes at a time`);
    }
  });

  test('a fragmented message is reassembled, with a ping between its fragments; pongs are ignored', () => {
    const bytes = Buffer.concat([frame(1, 'hel', { fin: false }), frame(9, 'p'), frame(10, 'x'), frame(0, 'lo ', { fin: false }), frame(0, 'wörld')]);
    assert.deepEqual(feed(bytes), ['ping:p', 'text:hello wörld']);
    assert.deepEqual(feed(bytes, undefined, 3), ['ping:p', 'text:hello wörld']);
  });

  test('a close frame ends reading: its code and reason, 1005 without a code; nothing after it is read', () => {
    const close = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye')]);
    assert.deepEqual(feed(Buffer.concat([frame(8, close), frame(1, 'late')])), ['close:1000:bye']);
    assert.deepEqual(feed(frame(8, '')), ['close:1005:']);
  });

  test('protocol errors close with 1002: unmasked, RSV bits, unknown opcodes, long or fragmented control frames, stray continuation, a new message inside a fragmented one, bad close frames', () => {
    const cases: Buffer[] = [
      frame(1, 'x', { mask: false }),
      frame(1, 'x', { rsv: 4 }),
      frame(3, 'x'),
      frame(11, 'x'),
      frame(9, 'x'.repeat(126)),
      frame(9, 'x', { fin: false }),
      frame(0, 'x'),
      Buffer.concat([frame(1, 'a', { fin: false }), frame(1, 'b')]),
      frame(8, Buffer.from([0x03])),
      frame(8, Buffer.from([0x03, 0xed])), // 1005 may not be sent
      frame(8, Buffer.from([0x0b, 0xb7])), // 2999: unassigned
    ];
    for (const [i, bytes] of cases.entries()) assert.deepEqual(feed(Buffer.concat([bytes, frame(1, 'after')])), ['violation:1002'], `case ${i}`);
  });

  test('invalid UTF-8 in a text message or a close reason closes with 1007; binary may hold any bytes', () => {
    const bad = Buffer.from([0xc3, 0x28]);
    assert.deepEqual(feed(frame(1, bad)), ['violation:1007']);
    assert.deepEqual(feed(frame(8, Buffer.concat([Buffer.from([0x03, 0xe8]), bad]))), ['violation:1007']);
    assert.deepEqual(feed(frame(2, bad)).length, 1);
  });

  test('too big closes with 1009 as soon as the header says so, before the payload is buffered; fragments count together', () => {
    const { r, seen } = reader(100);
    r.push(frame(1, '', { declared: 101 }).subarray(0, 8)); // the header only
    assert.deepEqual(seen, ['violation:1009']);
    assert.deepEqual(feed(Buffer.concat([frame(1, 'x'.repeat(60), { fin: false }), frame(0, 'x'.repeat(41))]), 100), ['violation:1009']);
    assert.deepEqual(feed(frame(2, '', { declared: 2 ** 60 }).subarray(0, 14), 100), ['violation:1009']);
    assert.deepEqual(feed(frame(1, 'x'.repeat(100)), 100), [`text:${'x'.repeat(100)}`]);
  });
});
