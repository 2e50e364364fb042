/**
 * The contract test: walks cadenza-rpc.json's method list and fails when a method with a schema is missing from
 * the RPC table, when a sample call errs, or when a result carries a field its model does not have (every
 * contract object schema is made strict here), a timestamp that is not ISO-8601 UTC with milliseconds, or a
 * decimal with an exponent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { extensionRpcMethods, rpcMethods, schemaDefinitions } from '@cadenza/contract';
import { withOrderExtensions } from '@cadenza/contract/order-extension-schemas';
import type { CallerContext } from '@cadenza/domain';
import { rpcWorld, alice, admin, type RpcWorld } from './rpc-test-world.ts';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => void;
const fixture = JSON.parse(readFileSync(new URL('../../contract/fixtures/cadenza-rpc.json', import.meta.url), 'utf8')) as {
  rpc: Record<string, { params?: string | null; result?: string | null }>;
};
/** The methods this server adds (docs/extensions.md), held to their own schemas as strictly as the contract's. */
const extensions: Record<string, { params?: string | null; result?: string | null }> = Object.fromEntries(
  [...rpcMethods.filter((m) => m.origin === 'extension'), ...extensionRpcMethods].map((m) => [m.method, m]),
);

function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strict(s)])) : strict(v);
  if ('properties' in out) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'strict', definitions: strict(withOrderExtensions(schemaDefinitions)) as object });

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
function shapeProblems(v: unknown, path: string, out: string[]): void {
  if (Array.isArray(v)) return v.forEach((x, i) => shapeProblems(x, `${path}[${i}]`, out));
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' && (/At$/.test(k) || k === 'timestamp') && !ISO_MS.test(x)) out.push(`${path}.${k} = ${x} is not ISO-8601 UTC with ms`);
      if (typeof x === 'string' && /^-?\d+(\.\d+)?e[+-]?\d+$/i.test(x)) out.push(`${path}.${k} = ${x} has an exponent`);
      shapeProblems(x, `${path}.${k}`, out);
    }
  }
}

type Sample = { caller: CallerContext; params: (s: State) => unknown; expectError?: number };
interface State {
  paper: string;
  dealer: string;
  hedging: string;
  treasury: string;
  trader: string;
  traderWallet: string;
  spareWallet: string;
  binance: string;
  order: string;
  order2: string;
  clientOrderId: string;
  credential: string;
  subscription: string;
  accountSub: string;
}

const u = (params: (s: State) => unknown, expectError?: number): Sample => ({ caller: alice, params, ...(expectError ? { expectError } : {}) });
const a = (params: (s: State) => unknown, expectError?: number): Sample => ({ caller: admin, params, ...(expectError ? { expectError } : {}) });
const BTC = 'PAPER:BTC/USDT';

/** One sample call per method, run in this order (destructive ones last). */
const samples: Record<string, Sample> = {
  'query.system.info': u(() => ({})),
  'query.system.check': u(() => ({})),
  'query.venue.list': u(() => ({})),
  'query.instrument.list': u(() => ({ venue: 'PAPER', limit: 10 })),
  'query.security.list': u(() => ({ venue: 'PAPER' })),
  'query.orderbook.get': u(() => ({ instrumentId: BTC, depth: 5 })),
  'query.orderbook.list': u(() => ({ venue: 'PAPER', symbols: ['BTC/USDT', 'ETH/USDT'] })),
  'query.ticker.list': u(() => ({ venue: 'PAPER' })),
  'query.kline.list': u(() => ({ instrumentIds: [BTC], interval: '1m' })),
  'command.subscription.create': u(() => ({ venue: 'PAPER', instruments: [BTC], subscriptionType: 'MARKET.SUBSCRIPTION.KLINE', interval: '1m' })),
  'query.subscription.list': u(() => ({ venue: 'PAPER' })),
  'command.market.subscription.orderbook.subscribe': u(() => ({ instrumentIds: [BTC] })),
  'query.market.subscription.orderbook.list': u(() => ({ venue: 'PAPER' })),
  'command.market.subscription.orderbook.unsubscribe': u(() => ({ instrumentId: BTC })),
  'command.trading_account.create': u(() => ({ tradingAccount: { venue: 'PAPER', nickname: 'contract' } })),
  'command.trading_account.update': u((s) => ({ tradingAccount: { tradingAccountId: s.paper, nickname: 'renamed', config: { leverage: 2 } } })),
  'command.trading_account.validate': u((s) => ({ tradingAccount: { tradingAccountId: s.paper } })),
  'query.trading_account.list': u(() => ({ pagination: { limit: 10 } })),
  'command.trading_account.subscribe': u((s) => ({ tradingAccount: { tradingAccountId: s.paper }, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.PORTFOLIO' })),
  'query.trading_account.subscription.list': u((s) => ({ tradingAccountId: s.paper })),
  'command.trade_order.submit': u((s) => ({ tradingAccountId: s.paper, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' }, awaitClosed: true })),
  'query.trade_order.get': u((s) => ({ tradingAccountId: s.paper, clientOrderId: s.clientOrderId })),
  'query.trade_order.get_by_id': u((s) => ({ tradeOrderId: s.order })),
  'query.trade_order.list': u((s) => ({ tradingAccountId: s.paper, pagination: { limit: 5 } })),
  // The scripted venue does not amend natively (PAPER does: order-features.e2e.test.ts).
  'command.trade_order.amend': u((s) => ({ tradingAccountId: s.paper, tradeOrderId: s.order2, limitPrice: '61000' }), 10002),
  'command.trade_order.cancel': u((s) => ({ tradingAccountId: s.paper, tradeOrderId: s.order2 })),
  'command.trade_order.save': a((s) => ({ tradeOrder: { tradeOrderId: s.order, externalOrderId: 'EXT-1' } })),
  'query.trade_order.execution.list': u((s) => ({ tradingAccountId: s.paper, pagination: { limit: 5 } })),
  'command.trade_order.cancel_all': u((s) => ({ tradingAccountId: s.paper, instrumentId: BTC })),
  'query.portfolio.get': u((s) => ({ tradingAccountId: s.paper })),
  'query.portfolio.list': u(() => ({ pagination: { limit: 5 } })),
  'command.portfolio.save': a((s) => ({ portfolio: { tradingAccountId: s.paper, balances: [{ securitySymbol: 'SOL', free: '5' }] } })),
  'command.credential.create': u((s) => ({ tradingAccountId: s.binance, venue: 'BINANCE', credentialType: 'HMAC', apiKey: 'good-api-key-0001', secretKey: 'sec', nickname: 'main' })),
  'query.credential.list': u(() => ({ venue: 'BINANCE' })),
  'command.credential.verify': u((s) => ({ credentialIds: [s.credential] })),
  'command.trading_account.connect': u((s) => ({ tradingAccount: { tradingAccountId: s.binance } })),
  'command.trading_account.disconnect': u((s) => ({ tradingAccountId: s.binance })),
  'command.trading_account.disable': u((s) => ({ tradingAccountId: s.binance })),
  'command.trading_account.enable': u((s) => ({ tradingAccountId: s.binance })),
  'query.trading_account.operation.list': u((s) => ({ tradingAccountId: s.binance })),
  'command.credential.rotate': u((s) => ({ credentialId: s.credential, credentialType: 'HMAC', apiKey: 'good-api-key-0002', secretKey: 'sec2' })),
  'command.credential.save': a((s) => ({ credential: { credentialId: s.credential, nickname: 'renamed' } })),
  'command.credential.revoke': u((s) => ({ credentialId: s.credential })),
  'command.trading_account.unsubscribe': u((s) => ({ tradingAccountId: s.paper, subscriptionId: s.accountSub })),
  'command.trading_account.save': a((s) => ({ tradingAccounts: [{ tradingAccountId: s.binance, nickname: 'saved' }] })),
  'command.instrument.sync': a(() => ({ venue: 'PAPER' })),
  'command.instrument.save': a(() => ({ instruments: [{ venue: 'PAPER', symbol: 'SOL/USDT', pipSize: '0.01', lotSize: '0.01', minQuantity: '0.01', maxQuantity: '10000', minNotional: '5', fee: '0.001' }] })),
  'command.instrument.disable': a(() => ({ instrumentId: 'PAPER:SOL/USDT' })),
  'command.instrument.enable': a(() => ({ instrumentId: 'PAPER:SOL/USDT' })),
  'command.instrument.delete': a(() => ({ instrumentId: 'PAPER:SOL/USDT' })),
  'command.security.sync': a(() => ({ venue: 'PAPER' })),
  'command.security.save': a(() => ({ securities: [{ venue: 'PAPER', symbol: 'SOL' }] })),
  'command.security.delete': a(() => ({ securityIds: ['PAPER:SOL'] })),
  'command.orderbook.save': a(() => ({ orderBooks: [] })),
  'command.ticker.save': a(() => ({ tickers: [] })),
  'command.kline.save': a(() => ({ klines: [] })),
  'command.trading_account.delete': u((s) => ({ tradingAccountId: s.binance })),
  // The OTC desk: the contract's schema-less methods with this server's schemas, and its extensions (rpc/otc.ts).
  'command.fermata.dealer.create': a(() => ({ name: 'Contract desk', baseCurrencies: ['USDT'], riskThreshold: '1000000', config: { note: 'x' } })),
  'query.fermata.dealer.get': a((s) => ({ dealerAccountId: s.dealer })),
  'query.fermata.dealer.list': a(() => ({ status: 'ACTIVE', limit: 5 })),
  'command.fermata.dealer.link': a((s) => ({ dealerAccountId: s.dealer, tradingAccountId: s.hedging })),
  'command.quote.rfq': u((s) => ({ dealerAccountId: s.dealer, traderAccountId: s.trader, instrumentId: 'BTC/USDT', orderSide: 'BUY', quantity: '0.01', quoteRequestId: 'contract-1' })),
  'command.fermata.dealer.unlink': a((s) => ({ dealerAccountId: s.dealer, tradingAccountId: s.hedging })),
  'command.fermata.wallet.create': u(() => ({ nickname: 'contract' })),
  'query.fermata.wallet.get': u((s) => ({ walletId: s.traderWallet })),
  'query.fermata.wallet.list': u(() => ({ walletType: 'CLIENT', limit: 10 })),
  'command.fermata.wallet.transfer': a((s) => ({ sourceWalletId: s.treasury, destWalletId: s.traderWallet, asset: 'USDT', amount: '10.5' })),
  'command.fermata.wallet.freeze': a((s) => ({ walletId: s.spareWallet })),
  'command.fermata.wallet.unfreeze': a((s) => ({ walletId: s.spareWallet })),
  'command.fermata.wallet.close': u((s) => ({ walletId: s.spareWallet })),
  'command.fermata.dealer.pause': a((s) => ({ dealerAccountId: s.dealer })),
  'command.fermata.dealer.resume': a((s) => ({ dealerAccountId: s.dealer })),
  'command.fermata.dealer.archive': a((s) => ({ dealerAccountId: s.dealer })),
};

async function setup(w: RpcWorld): Promise<State> {
  const ok = async (m: string, p: unknown, caller: CallerContext = alice) => {
    const r = await w.call(caller, m, p);
    assert.equal(r.error, undefined, `${m}: ${JSON.stringify(r.error ?? r.protocolError)}`);
    return r.data;
  };
  const paper = (await ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } })).tradingAccountId;
  const binance = (await ok('command.trading_account.create', { tradingAccount: { venue: 'BINANCE' } })).tradingAccountId;
  const o = await ok('command.trade_order.submit', { tradingAccountId: paper, tradeOrder: { instrumentId: BTC, orderSide: 'BUY', orderType: 'LIMIT', quantity: '0.01', limitPrice: '40000', clientOrderId: 'cid-1' } });
  w.venue.fillResting(o.tradeOrderId, '0.004');
  const o2 = await ok('command.trade_order.submit', { tradingAccountId: paper, tradeOrder: { instrumentId: BTC, orderSide: 'SELL', orderType: 'LIMIT', quantity: '0.01', limitPrice: '60000' } });
  const credential = (await ok('command.credential.create', { tradingAccountId: binance, venue: 'BINANCE', credentialType: 'API_KEY', apiKey: 'good-setup-key', secretKey: 'x' })).credentialId;
  const subscription = (await ok('command.subscription.create', { venue: 'PAPER', instruments: [BTC], subscriptionType: 'MARKET.SUBSCRIPTION.ORDERBOOK' }))[0].subscriptionId;
  const accountSub = (await ok('command.trading_account.subscribe', { tradingAccount: { tradingAccountId: paper }, subscriptionType: 'TRADING_ACCOUNT.SUBSCRIPTION.USER_DATA' })).subscriptionId;
  const hedging = (await ok('command.trading_account.create', { tradingAccount: { venue: 'PAPER' } }, admin)).tradingAccountId;
  const dealer = (await ok('command.fermata.dealer.create', { name: 'Setup desk', baseCurrencies: ['USDT'] }, admin)).dealerAccountId;
  await ok('command.fermata.dealer.link', { dealerAccountId: dealer, tradingAccountId: hedging }, admin);
  const treasury = (await ok('command.fermata.wallet.create', { nickname: 'treasury' }, admin)).walletId;
  const trader = (await ok('command.trading_account.connect', { tradingAccount: { venue: 'FERMATA', dealerAccountId: dealer } })).tradingAccountId;
  const wallets = await ok('query.fermata.wallet.list', {});
  const traderWallet = wallets.find((x: { metadata: { tradingAccountId: string } }) => x.metadata.tradingAccountId === trader).walletId;
  const spareWallet = (await ok('command.fermata.wallet.create', { nickname: 'spare' })).walletId;
  return { paper, binance, order: o.tradeOrderId, order2: o2.tradeOrderId, clientOrderId: 'cid-1', credential, subscription, accountSub, dealer, hedging, treasury, trader, traderWallet, spareWallet };
}

test('every contract method with a schema is in the RPC table; the others answer not supported', async () => {
  const w = await rpcWorld();
  const withSchema = Object.entries(fixture.rpc).filter(([, m]) => m.params).map(([name]) => name);
  assert.equal(withSchema.length, 54);
  assert.deepEqual(withSchema.filter((m) => !w.rpc.methods.has(m)), [], 'methods missing from the RPC table');
  const decided = rpcMethods.filter((m) => m.origin === 'decided').map((m) => m.method);
  assert.deepEqual(decided.filter((m) => fixture.rpc[m]?.params !== null), [], 'decided schemas only for methods the contract lists without one');
  assert.deepEqual([...w.rpc.methods].filter((m) => !fixture.rpc[m] && !extensions[m]), [], 'the table answers only contract methods and the documented extensions');
  assert.deepEqual([...withSchema, ...decided, ...Object.keys(extensions)].filter((m) => !samples[m] || !w.rpc.methods.has(m)), [], 'every method has a handler and a sample call in this test');
  const unsupported = rpcMethods.filter((m) => !m.params).map((m) => m.method);
  assert.deepEqual(unsupported, ['command.subscription.mc.create']);
  for (const name of unsupported) assert.equal((await w.call(alice, name, {})).error?.code, 10002, name);
});

test('every method answers with exactly the fields of its contract result model', async () => {
  const w = await rpcWorld();
  const s = await setup(w);
  const problems: string[] = [];
  for (const [method, sample] of Object.entries(samples)) {
    const info = rpcMethods.find((m) => m.method === method) ?? extensions[method]!;
    const params = sample.params(s);
    const out = await w.rpc.dispatch(sample.caller, method, params);
    if (!('result' in out)) {
      problems.push(`${method}: protocol error ${JSON.stringify(out.protocolError)}`);
      continue;
    }
    const r = out.result;
    if (sample.expectError !== undefined) {
      if (r.error?.code !== sample.expectError) problems.push(`${method}: expected error ${sample.expectError}, got ${JSON.stringify(r)}`);
      continue;
    }
    if (r.error) {
      problems.push(`${method}: ${JSON.stringify(r.error)}`);
      continue;
    }
    if (method !== 'command.security.delete' && r.data === undefined) problems.push(`${method}: no data`);
    const validate = ajv.getSchema(`strict#/definitions/${info.result}`)!;
    if (!validate(r)) problems.push(`${method}: ${ajv.errorsText(validate.errors, { dataVar: 'result' })}`);
    shapeProblems(r, method, problems);
  }
  assert.deepEqual(problems, []);
});

test('a field the model does not have is caught by the strict schemas', () => {
  const validate = ajv.getSchema('strict#/definitions/RpcGetTradeOrderResult')!;
  assert.equal(validate({ data: { tradeOrderId: '00000000-0000-4000-8000-000000000001' } }), true);
  assert.equal(validate({ data: { tradeOrderId: '00000000-0000-4000-8000-000000000001', lockedAmount: '1' } }), false);
});
