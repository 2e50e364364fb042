/**
 * What a user of the REST API does with the served document: it validates as OpenAPI 3.1 (the official JSON
 * schema, @seriousme/openapi-schema-validator); openapi-typescript generates types from it; a typed openapi-fetch
 * client, written against those types, type-checks under tsc — and a call the contract forbids does not — then
 * drives login → instruments → account → order → portfolio against the server.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS, { astToString } from 'openapi-typescript';
import { restHarness } from './rest-harness.ts';

const h = await restHarness();
const root = new URL('../../../../', import.meta.url).pathname;
// Inside the repository's node_modules, so that the client's `openapi-fetch` import resolves as in a user's project.
const dir = join(root, 'node_modules', '.cache', `cadenza-typed-client-${process.pid}`);
mkdirSync(dir, { recursive: true });
after(() => rmSync(dir, { recursive: true, force: true }));

const flow = `import createClient from 'openapi-fetch';
import type { paths } from './schema.ts';

export async function run(baseUrl: string, email: string, password: string) {
  const api = createClient<paths>({ baseUrl });
  const login = await api.POST('/api/v3/auth/login', { body: { email, password } });
  if (!login.data?.data) throw new Error('login failed: ' + JSON.stringify(login.error));
  const headers = { Authorization: 'Bearer ' + login.data.data.accessToken };
  const instruments = await api.GET('/api/v3/market/instrument/list', { params: { query: { venue: 'PAPER', symbols: ['BTC/USDT'] } }, headers });
  const instrument = instruments.data!.data![0]!;
  const account = await api.POST('/api/v3/tradingAccount/connect', { body: { venue: 'PAPER', nickname: 'typed client' }, headers });
  const tradingAccountId: string = account.data!.data!.tradingAccountId;
  const btcOf = async () => {
    const portfolios = await api.GET('/api/v3/tradingAccount/portfolio/list', { params: { query: { tradingAccountId } }, headers });
    return portfolios.data!.data![0]!.balances.find((b) => b.securitySymbol === 'BTC')?.total ?? '0';
  };
  const btcBefore = await btcOf();
  const submitted = await api.POST('/api/v3/tradeOrder/submit', {
    body: { tradingAccountId, instrumentId: instrument.instrumentId, orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01', awaitClosed: true },
    headers,
  });
  const order = submitted.data!.data![0]!;
  const portfolios = await api.GET('/api/v3/tradingAccount/portfolio/list', { params: { query: { tradingAccountId } }, headers });
  const portfolio = portfolios.data!.data![0]!;
  return {
    symbol: instrument.symbol,
    status: order.status,
    executedQuantity: order.executedQuantity,
    createdAt: order.createdAt,
    btcBefore,
    btcAfter: await btcOf(),
    equity: portfolio.summary.equity,
  };
}
`;

const forbidden = `import createClient from 'openapi-fetch';
import type { paths } from './schema.ts';
const api = createClient<paths>({ baseUrl: 'http://localhost' });
await api.POST('/api/v3/tradeOrder/submit', { body: { tradingAccountId: 'x', orderSide: 'SIDEWAYS', orderType: 'MARKET', quantity: '1' } });
`;

function tsc(file: string): { ok: boolean; output: string } {
  const compilerOptions = { noEmit: true, strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', allowImportingTsExtensions: true, lib: ['es2022', 'dom'], types: [], skipLibCheck: true };
  writeFileSync(join(dir, `tsconfig.${file}.json`), JSON.stringify({ compilerOptions, files: [file] }));
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, `tsconfig.${file}.json`)], { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

test('the served document validates as OpenAPI 3.1', async () => {
  const doc = (await (await fetch(`${h.server.url}/api/v3/openapi.json`)).json()) as { openapi: string } & Record<string, unknown>;
  assert.equal(doc.openapi, '3.1.0');
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.equal(validator.version, '3.1');
  assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 2000));
});

test('a client generated from it type-checks, refuses what the contract forbids, and trades', async () => {
  const user = await h.user('typed');
  const doc = (await (await fetch(`${h.server.url}/api/v3/openapi.json`)).json()) as Parameters<typeof openapiTS>[0];
  writeFileSync(join(dir, 'schema.ts'), astToString(await openapiTS(doc)));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'flow.ts'), flow);
  writeFileSync(join(dir, 'forbidden.ts'), forbidden);
  const good = tsc('flow.ts');
  assert.ok(good.ok, good.output);
  const bad = tsc('forbidden.ts');
  assert.equal(bad.ok, false);
  assert.match(bad.output, /SIDEWAYS/);

  const { run } = (await import(join(dir, 'flow.ts'))) as { run(url: string, email: string, password: string): Promise<Record<string, unknown>> };
  const out = await run(h.server.url, user.email, user.password);
  assert.equal(out.symbol, 'BTC/USDT');
  assert.equal(out.status, 'FILLED');
  assert.equal(out.executedQuantity, '0.01');
  assert.equal(typeof out.createdAt, 'number');
  assert.equal(new Decimal(String(out.btcAfter)).sub(String(out.btcBefore)).toString(), '0.00999', 'bought 0.01 BTC, paid the 0.1 % taker fee in BTC');
  assert.match(String(out.equity), /^\d+(\.\d+)?$/);
});
