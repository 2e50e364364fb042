/**
 * PAPER perpetuals over REST /api/v3: a leveraged submit, the position and the summary's margin fields in the
 * portfolio, closing by positionId, and the refusals (leverage above the instrument's cap, more margin than the
 * account has, an unknown position) — every answer checked strictly against the contract's OpenAPI models.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, str } from '@cadenza/domain';
import { RestWalk } from '@cadenza/testkit/contracts/rest-responses';
import { restHarness } from './rest-harness.ts';

const h = await restHarness();
const walk = new RestWalk();
const PERP = 'PAPER:BTC-PERP';

async function call(operationId: string, opts: { token?: string; query?: Record<string, unknown>; body?: unknown }, status = 200) {
  const r = await h.api(operationId, opts);
  assert.equal(r.status, status, `${operationId}: ${JSON.stringify(r.body)}`);
  walk.expect(operationId, r.status, r.body);
  return r.body;
}

test('a 10× BTC-PERP long over REST: position and margin in the portfolio, closed by positionId; refusals by the contract', async () => {
  const token = (await h.user('perp-rest')).accessToken;
  const tradingAccountId = (await call('connectTradingAccount', { token, body: { venue: 'PAPER', nickname: 'perps' } })).data.tradingAccountId;
  const submit = (body: Record<string, unknown>, status = 200) =>
    call('submitTradeOrder', { token, body: { tradingAccountId, instrumentId: PERP, orderType: 'MARKET', awaitClosed: true, ...body } }, status);

  const [open] = (await submit({ orderSide: 'BUY', quantity: '0.5', leverage: 10 })).data;
  assert.equal(open.status, 'FILLED');
  const [portfolio] = (await call('listTradingAccountPortfolios', { token, query: { tradingAccountId } })).data;
  const position = portfolio.positions.find((p: any) => p.instrumentId === PERP);
  assert.deepEqual([position.status, position.positionSide, position.quantity, position.securityType], ['OPEN', 'LONG', '0.5', 'CRYPTO']);
  assert.equal(typeof position.createdAt, 'number');
  const s = portfolio.summary;
  assert.equal(s.currency, 'USDT');
  // Cross margin at 10×: the initial margin is a tenth of the position's value at the mark, maintenance 0.4 % of it.
  const value = dec(position.currentPrice).mul(position.quantity);
  assert.equal(s.margin, str(value.div(10)));
  assert.equal(s.marginRequirement, str(value.mul('0.004')));
  assert.equal(s.riskExposure, str(value));
  assert.ok(dec(s.marginUsage).gt(0) && dec(s.marginLevel).gt(1), `usage ${s.marginUsage}, level ${s.marginLevel}`);

  const refusedLeverage = await submit({ orderSide: 'BUY', quantity: '0.01', leverage: 126 }, 400);
  assert.equal(refusedLeverage.errno, 11000);
  const tooBig = await submit({ orderSide: 'BUY', quantity: '900', leverage: 1 }, 409);
  assert.equal(tooBig.errno, 14002);
  const unknown = await submit({ orderSide: 'SELL', quantity: '0.5', positionId: '00000000-0000-4000-8000-000000000000' }, 404);
  assert.equal(unknown.errno, 14003);

  const [close] = (await submit({ orderSide: 'SELL', quantity: '0.5', positionId: position.positionId })).data;
  assert.equal(close.status, 'FILLED');
  assert.deepEqual([open.positionId, close.positionId], [position.positionId, position.positionId], 'a REST TradeOrder names the position it acts on');
  const [after] = (await call('listTradingAccountPortfolios', { token, query: { tradingAccountId } })).data;
  const closed = after.positions.find((p: any) => p.positionId === position.positionId);
  assert.equal(closed.status, 'CLOSED');
  assert.equal(typeof closed.closedAt, 'number');
  assert.equal(after.summary.margin, '0');
});
