import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CadenzaRpcError, ProtocolError, CadenzaError, toCadenzaError, rpcErrorCodes } from '../src/errors.ts';

test('an RPC refusal carries its AABBB code, module and symbolic name', () => {
  const e = new CadenzaRpcError('command.trade_order.submit', { code: 14001, message: 'insufficient balance' });
  assert.ok(e instanceof CadenzaError);
  assert.equal(e.code, 14001);
  assert.equal(e.module, 14);
  assert.equal(e.errorName, 'INSUFFICIENT_BALANCE');
  assert.equal(e.temporary, false);
  assert.equal(e.message, 'command.trade_order.submit: insufficient balance (14001)');
  const unknown = new CadenzaRpcError('x', { code: 77001, message: 'new', temporary: true });
  assert.equal(unknown.errorName, undefined);
  assert.equal(unknown.temporary, true);
});

test('centrifuge rejections become ProtocolError with the Centrifugo code', () => {
  const e = toCadenzaError({ code: 104, message: 'method not found' }, 'query.nope');
  assert.ok(e instanceof ProtocolError);
  assert.equal(e.code, 104);
  assert.equal(e.temporary, false);
  assert.equal(e.target, 'query.nope');
  assert.equal(e.message, 'query.nope: method not found (104)');
  assert.equal((toCadenzaError({ code: 111, message: 'too many requests' }) as ProtocolError).temporary, true);
  assert.equal((toCadenzaError({ code: 1, message: 'timeout' }) as ProtocolError).temporary, true, 'local client codes are retryable');
  assert.equal((toCadenzaError({ code: 103, message: 'permission denied', temporary: false }) as ProtocolError).temporary, false);
  assert.equal((toCadenzaError({ code: 100, message: 'internal', temporary: false }) as ProtocolError).temporary, true, 'internal errors are retryable (Centrifugo marks 100 temporary)');
  assert.equal((toCadenzaError({ code: 400, message: 'app', temporary: true }) as ProtocolError).temporary, true, 'the server flag makes any code retryable');
});

test('SDK errors pass through and anything else is wrapped with its cause', () => {
  const original = new CadenzaRpcError('m', { code: 10001, message: 'bad' });
  assert.equal(toCadenzaError(original), original);
  const wrapped = toCadenzaError(new Error('boom'), 'm');
  assert.equal(wrapped.constructor, CadenzaError);
  assert.equal(wrapped.message, 'm: boom');
  assert.ok(wrapped.cause instanceof Error);
});

test('catalogue codes are unique AABBB numbers', () => {
  const codes = Object.values(rpcErrorCodes);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.ok(c >= 10000 && c <= 99999, `${c} is AABBB`);
});

test('the SDK knows exactly the codes and names documented in docs/errors.md', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const documented = Object.fromEntries([...doc.matchAll(/^\| (\d{5}) \| ([A-Z_]+) \|/gm)].map((m) => [m[2]!, Number(m[1])]));
  assert.ok(Object.keys(documented).length > 10, 'the doc table was found');
  assert.deepEqual(Object.fromEntries(Object.entries(rpcErrorCodes).sort()), Object.fromEntries(Object.entries(documented).sort()));
});
