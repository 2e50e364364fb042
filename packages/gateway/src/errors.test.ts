import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisconnectCodes, ErrorCodes } from '@cadenza/protocol';
import { Disconnect, ProtocolError } from './errors.ts';

test("error catalogue matches Centrifugo's codes, messages and temporary flags", () => {
  assert.deepEqual(ProtocolError.internal().toBody(), { code: 100, message: 'internal server error', temporary: true });
  assert.deepEqual(ProtocolError.tokenExpired().toBody(), { code: 109, message: 'token expired' });
  assert.deepEqual(ProtocolError.tooManyRequests().toBody(), { code: 111, message: 'too many requests', temporary: true });
  assert.equal(Object.values(ErrorCodes).length, 14);
  assert.deepEqual(Object.values(ErrorCodes).map((e) => e.code), [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113]);
});

test('disconnect catalogue: codes, reasons, and reconnect advice by range', () => {
  assert.deepEqual([Disconnect.shutdown().code, Disconnect.shutdown().reason, Disconnect.shutdown().reconnect], [3001, 'shutdown', true]);
  assert.deepEqual([Disconnect.invalidToken().code, Disconnect.invalidToken().reconnect], [3500, false]);
  assert.equal(new Disconnect(4001, 'x').reconnect, true);
  assert.equal(new Disconnect(4501, 'x').reconnect, false);
  for (const d of Object.values(DisconnectCodes)) assert.equal(d.reconnect, d.code < 3500, String(d.code));
  assert.ok(Buffer.byteLength(new Disconnect(4000, 'é'.repeat(100)).reason) <= 123);
});
