import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOrderClosed } from '../src/order-helpers.ts';

test('closed means a terminal status', () => {
  for (const status of ['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'REPLACED', 'REVOKED'] as const) assert.equal(isOrderClosed({ status }), true, status);
  for (const status of ['CREATED', 'SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL', null, undefined] as const) assert.equal(isOrderClosed({ status }), false, String(status));
});

test('idempotency keys are v4 UUIDs, also where crypto.randomUUID is missing (plain-http browser pages)', async () => {
  const { randomUuid } = await import('../src/order-helpers.ts');
  const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.match(randomUuid(), v4);
  const original = globalThis.crypto.randomUUID;
  Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
  try {
    const keys = new Set(Array.from({ length: 50 }, () => randomUuid()));
    assert.equal(keys.size, 50);
    for (const k of keys) assert.match(k, v4);
  } finally {
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: original, configurable: true });
  }
});
