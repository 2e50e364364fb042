import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError, causeChain } from '@cadenza/domain';

test('causeChain: one line from an error and its causes, outermost first, repeated messages once', () => {
  const dns = new Error('getaddrinfo ENOTFOUND api.binance.com');
  const fetchFailed = new TypeError('fetch failed', { cause: dns });
  const venue = new Error('Binance GET /api/v3/exchangeInfo failed: fetch failed', { cause: fetchFailed });
  const err = new DomainError('VENUE_UNAVAILABLE', 'venue BINANCE did not list its instruments', { cause: venue });
  assert.equal(causeChain(err), 'venue BINANCE did not list its instruments: Binance GET /api/v3/exchangeInfo failed: fetch failed: getaddrinfo ENOTFOUND api.binance.com');
  assert.equal(causeChain('plain'), 'plain');
  const loop: Error & { cause?: unknown } = new Error('a');
  loop.cause = loop;
  assert.equal(causeChain(loop), 'a', 'a cycle ends');
});
