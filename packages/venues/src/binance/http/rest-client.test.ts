import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BinanceRestClient } from './rest-client.ts';
import { createSigner } from '../signing.ts';
import type { VenueError } from '../../kit/venue-error.ts';

const signer = createSigner({ credentialType: 'HMAC', apiKey: 'k', secretKey: 's' });

function client(responses: Array<() => Response>, now = { t: 1_000_000 }) {
  const calls: string[] = [];
  const warnings: string[] = [];
  const fetchImpl = (async (url: string | URL | Request) => {
    calls.push(String(url));
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    return next();
  }) as typeof fetch;
  const rest = new BinanceRestClient({
    baseUrl: 'http://binance.test',
    clock: { now: () => now.t },
    log: { warn: (_o, m) => void warnings.push(m ?? ''), error: (_o, m) => void warnings.push(m ?? '') },
    fetch: fetchImpl,
  });
  return { rest, calls, warnings, now };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('BinanceRestClient', () => {
  test('records usage headers and signs with timestamp and recvWindow', async () => {
    const { rest, calls } = client([json(200, { balances: [] }, { 'x-mbx-used-weight-1m': '21', 'x-mbx-order-count-10s': '3' })]);
    await rest.signed('GET', '/api/v3/account', [], signer);
    assert.deepEqual(rest.usage(), { 'used-weight-1m': 21, 'order-count-10s': 3 });
    assert.match(calls[0]!, /\/api\/v3\/account\?recvWindow=5000&timestamp=1000000&signature=[0-9a-f]{64}$/);
  });

  test('429: signed requests fail fast until Retry-After has passed, without being sent', async () => {
    const { rest, calls, now } = client([json(429, { code: -1003, msg: 'Too much request weight used' }, { 'retry-after': '30' }), json(200, {})]);
    await assert.rejects(rest.signed('POST', '/api/v3/order', [], signer), (e: VenueError) => e.kind === 'rate-limited' && e.code === '-1003');
    assert.equal(rest.blockedForMs(), 30_000);
    await assert.rejects(rest.signed('POST', '/api/v3/order', [], signer), (e: VenueError) => e.kind === 'rate-limited');
    assert.equal(calls.length, 1);
    now.t += 30_000;
    await rest.signed('POST', '/api/v3/order', [], signer);
    assert.equal(calls.length, 2);
    assert.deepEqual(rest.rateLimitStats(), { throttled: 0, rateLimited: 1, banned: 0, refused: 1 }, 'counted for /metrics');
  });

  test('418: everything stops, public reads included, and an error is logged', async () => {
    const { rest, calls, warnings } = client([json(418, { code: -1003, msg: 'IP banned' }, { 'retry-after': '120' })]);
    await assert.rejects(rest.publicGet('/api/v3/depth'), (e: VenueError) => e.kind === 'banned');
    await assert.rejects(rest.publicGet('/api/v3/depth'), (e: VenueError) => e.kind === 'banned' && !e.retryable);
    assert.equal(calls.length, 1);
    assert.ok(warnings.some((w) => /banned/.test(w)));
    assert.equal(rest.rateLimitStats().banned, 1);
  });

  test('-1021 resynchronises the clock offset from /api/v3/time and retries once', async () => {
    const { rest, calls } = client([json(400, { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' }), json(200, { serverTime: 1_250_000 }), json(200, {})]);
    await rest.signed('GET', '/api/v3/account', [], signer);
    assert.equal(rest.serverTimeOffsetMs, 250_000);
    assert.match(calls[2]!, /timestamp=1250000/);
  });

  test('a public read that would overspend the minute weight waits for the next minute instead of provoking a 429', async () => {
    const now = { t: 60_000 * 1000 + 59_900 }; // 100 ms before a minute boundary
    const { rest, calls, warnings } = client([json(200, {}, { 'x-mbx-used-weight-1m': '5900' }), json(200, {})], now);
    await rest.publicGet('/api/v3/time', [], 1);
    assert.equal(rest.weightWaitMs(25), 0);
    assert.ok(rest.weightWaitMs(250) > 0 && rest.weightWaitMs(250) <= 150);
    const started = performance.now();
    await rest.publicGet('/api/v3/depth', [['limit', '5000']], 250);
    assert.ok(performance.now() - started >= 100, 'waited for the minute to roll over');
    assert.equal(calls.length, 2);
    assert.ok(warnings.some((w) => /weight budget/.test(w)));
    now.t += 60_000; // a header from an older minute no longer counts
    assert.equal(rest.weightWaitMs(250), 0);
  });

  test('5xx is an unknown outcome; 4xx a rejection carrying Binance code and message; garbage a protocol error', async () => {
    const { rest } = client([json(503, {}), json(400, { code: -2010, msg: 'Account has insufficient balance for requested action.' }), () => new Response('<html>', { status: 200 })]);
    await assert.rejects(rest.signed('POST', '/api/v3/order', [], signer), (e: VenueError) => e.kind === 'unknown-outcome' && e.retryable);
    await assert.rejects(rest.signed('POST', '/api/v3/order', [], signer), (e: VenueError) => e.kind === 'rejected' && e.code === '-2010' && /insufficient/.test(e.message));
    await assert.rejects(rest.publicGet('/api/v3/time'), (e: VenueError) => e.kind === 'protocol');
  });
});
