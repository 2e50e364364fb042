import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

// ws's receiver is exported by its CommonJS entry (not typed); it is the parser the official clients use in Node.
const { Receiver } = createRequire(import.meta.url)('ws') as {
  Receiver: new (o: { isServer: boolean }) => NodeJS.WritableStream & { on(e: string, f: (...a: never[]) => void): void };
};
import { encodeServerFrame } from './ws-frame.ts';

function parse(frame: Buffer): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise((resolve, reject) => {
    const r = new Receiver({ isServer: false });
    r.on('message', (data: Buffer, binary: boolean) => resolve({ data, binary }));
    r.on('error', reject);
    r.write(frame);
  });
}

test('frames of every length class parse back with the ws receiver, text and binary', async () => {
  for (const len of [0, 1, 125, 126, 65535, 65536, 70000]) {
    const payload = Buffer.alloc(len, 0x61);
    const text = await parse(encodeServerFrame(payload, false));
    assert.equal(text.binary, false);
    assert.equal(text.data.length, len);
    const bin = await parse(encodeServerFrame(payload, true));
    assert.equal(bin.binary, true);
    assert.ok(bin.data.equals(payload));
  }
});

test('several parts make one frame: joined by newlines in a text frame, back to back in a binary one', async () => {
  const parts = [Buffer.from('{"a":1}'), Buffer.from('{}'), Buffer.alloc(200, 0x62)];
  const text = await parse(encodeServerFrame(parts, false));
  assert.equal(text.data.toString(), `{"a":1}\n{}\n${'b'.repeat(200)}`);
  const bin = await parse(encodeServerFrame(parts, true));
  assert.ok(bin.data.equals(Buffer.concat(parts)));
});
