/**
 * A client's bytes never make the REST API answer 5xx or hold unbounded input. Work-counted fuzzing (fast-check,
 * a fixed number of requests per operation) sends every operation, the OTC desk's (quote, Fermata) included,
 * wrong types, unknown enum values, out-of-range and malformed numbers and times, huge strings, deep
 * nesting, unknown parameters and broken JSON, as an admin so that no check short-circuits before the handler:
 * each answer must be a 4xx `BaseResponse` with a message. Bodies over the limit get 413 without being read:
 * a 150 MB upload is cut off after a few megabytes at most.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { openApiDocument, type OpenApiOperation } from '@cadenza/contract';
import { RestResponseChecker } from '@cadenza/testkit/contracts/rest-responses';
import { restHarness } from './rest-harness.ts';

const h = await restHarness();
const admin = await h.user('fuzz-admin', { admin: true });
const checker = new RestResponseChecker();
const RUNS_PER_OPERATION = Number(process.env.REST_FUZZ_RUNS ?? 24);

/** Ids that exist (a PAPER account, a dealer, a wallet), so fuzzed requests also reach the checks behind the lookups. */
const live = await (async () => {
  const ok = async (operationId: string, body: unknown) => {
    const r = await h.api(operationId, { token: admin.accessToken, body });
    assert.equal(r.status, 200, `${operationId}: ${JSON.stringify(r.body)}`);
    return r.body.data;
  };
  const account = (await ok('connectTradingAccount', { venue: 'PAPER' })).tradingAccountId as string;
  const dealer = (await ok('fermataCreateDealer', { name: 'Fuzzed desk', baseCurrencies: ['USDT'] })).dealerAccountId as string;
  const wallet = (await ok('fermataCreateWallet', { nickname: 'fuzzed' })).walletId as string;
  return [account, dealer, wallet];
})();

const operations: Array<{ verb: string; path: string; op: OpenApiOperation }> = Object.entries(openApiDocument.paths).flatMap(([path, verbs]) =>
  Object.entries(verbs)
    .filter(() => path.startsWith('/api/v3') && !path.startsWith('/api/v3/auth') && path !== '/api/v3/health')
    .map(([verb, op]) => ({ verb: verb.toUpperCase(), path, op })),
);

/** Values a careless or hostile client sends where a field or parameter belongs. */
const junk = fc.oneof(
  fc.constantFrom('', 'null', 'NaN', '-1', '0', '1e400', '99999999999999999999', '-99999999999999999999', '8640000000000001', '1.5', 'true', 'BUY', 'PAPER:BTC/USDT', 'PAPER', '1m'),
  fc.constantFrom(...live),
  fc.constantFrom('00000000-0000-4000-8000-000000000000', 'not-a-uuid', '\u0000\u001b[31m', '💥'.repeat(50), 'x'.repeat(10_000)),
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
);
const jsonJunk = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  junk,
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 8_640_000_000_000_001, 1e308),
  fc.constant(JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`)),
);

function queryArb(op: OpenApiOperation) {
  const names = (op.parameters ?? []).map((p) => p.name);
  const key = names.length ? fc.oneof(fc.constantFrom(...names), fc.constantFrom('bogus', 'limit[]', 'LIMIT')) : fc.constantFrom('bogus');
  return fc.array(fc.tuple(key, junk), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
}

function bodyArb(op: OpenApiOperation) {
  const model = op.requestBody?.content['application/json']?.schema.$ref.split('/').pop();
  const fields = Object.keys((openApiDocument.components.schemas[model ?? ''] as { properties?: object } | undefined)?.properties ?? {});
  const object = fc.dictionary(fields.length ? fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 8 })) : fc.string({ maxLength: 8 }), jsonJunk, { maxKeys: 8 }).map((o) => JSON.stringify(o));
  const broken = fc.constantFrom('', '{', '[]', '"text"', 'null', '{"a":1,}', `{"a":${'['.repeat(5000)}`, '\u00ff\u00fe');
  return fc.oneof({ weight: 4, arbitrary: object }, { weight: 1, arbitrary: broken });
}

async function send(verb: string, path: string, query: string, body: string | undefined) {
  const res = await fetch(`${h.server.url}${path}${query ? `?${query}` : ''}`, {
    method: verb,
    headers: { authorization: `Bearer ${admin.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body }),
  });
  return { status: res.status, text: await res.text() };
}

test('no operation answers 5xx to a client’s bytes; every refusal is a 4xx envelope with a bounded message', async () => {
  let sent = 0;
  for (const { verb, path, op } of operations) {
    const input = verb === 'GET' ? queryArb(op).map((q) => ({ query: q, body: undefined as string | undefined })) : bodyArb(op).map((b) => ({ query: '', body: b }));
    await fc.assert(
      fc.asyncProperty(input, async ({ query, body }) => {
        sent++;
        const r = await send(verb, path, query, body);
        assert.ok(r.status < 500, `${verb} ${path}?${query} ${body?.slice(0, 300) ?? ''} → ${r.status} ${r.text.slice(0, 300)}`);
        const envelope = JSON.parse(r.text) as { errno: number; error: string };
        if (r.status >= 400) {
          assert.deepEqual(checker.problems(op.operationId, r.status, envelope), [], r.text);
          assert.ok(envelope.errno > 0 && envelope.error.length > 0 && envelope.error.length <= 400, r.text);
        }
      }),
      { numRuns: RUNS_PER_OPERATION },
    );
  }
  assert.equal(sent, operations.length * RUNS_PER_OPERATION);
});

/** Uploads `total` bytes in 64 KiB chunks made on demand, counting what the server let through before it answered. */
function upload(total: number, declareLength: boolean): Promise<{ status: number; body: string; pulled: number; closes: boolean }> {
  const url = new URL(`${h.server.url}/api/v3/tradeOrder/submit`);
  let pulled = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const source = new Readable({
    read() {
      if (pulled >= total) return this.push(null);
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(total) } : {}) } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          source.destroy();
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body, pulled, closes: res.headers.connection === 'close' });
        });
      },
    );
    req.on('error', (err) => (pulled > 0 ? undefined : reject(err)));
    source.pipe(req);
  });
}

test('a 150 MB body is refused with 413 in the envelope after a few megabytes, streamed or declared', async () => {
  const size = 150 * 1024 * 1024;
  for (const declared of [false, true]) {
    const r = await upload(size, declared);
    assert.equal(r.status, 413, r.body);
    const envelope = JSON.parse(r.body) as { errno: number; details: { code: string } };
    assert.equal(envelope.errno, 10413);
    assert.equal(envelope.details.code, 'PAYLOAD_TOO_LARGE');
    assert.ok(r.closes, 'the connection closes instead of draining the rest');
    assert.ok(r.pulled < 16 * 1024 * 1024, `${declared ? 'declared' : 'streamed'}: ${r.pulled} bytes were pulled before the answer`);
  }
  // The server is fine afterwards.
  assert.equal((await send('GET', '/api/v3/market/venue/list', '', undefined)).status, 200);
});
