/**
 * `tradeOrder.leverage` and `tradeOrder.positionId` on `command.trade_order.submit` (docs/extensions.md): accepted as
 * the additive extensions they are, checked at the edge like the contract's own fields (10001 naming the field), and
 * taking effect on the real PAPER perpetual — the margin is the value at the order's leverage, the order reports the
 * leverage and the position it acts on, and naming the position closes exactly it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, str } from '@cadenza/domain';
import { paperRpcWorld } from './paper-rpc-world.ts';

const PERP = 'PAPER:BTC-PERP';

async function world() {
  const { call } = await paperRpcWorld({ seed: 5, instruments: ['BTC-PERP'], steps: 8 });
  const account = (await call('command.trading_account.create', { tradingAccount: { venue: 'PAPER', marginMode: 'ISOLATED' } })).data.tradingAccountId as string;
  const submit = (tradeOrder: Record<string, unknown>) =>
    call('command.trade_order.submit', { tradingAccountId: account, awaitClosed: true, tradeOrder: { instrumentId: PERP, orderType: 'MARKET', ...tradeOrder } });
  return { call, account, submit };
}

test('tradeOrder.leverage and .positionId over RPC: checked at the edge, and they take effect', async () => {
  const w = await world();

  for (const [bad, field] of [[{ leverage: '5' }, 'leverage'], [{ leverage: 2.5 }, 'leverage'], [{ leverage: 0 }, 'leverage'], [{ positionId: 42 }, 'positionId'], [{ positionId: 'my-position' }, 'positionId']] as const) {
    const r = await w.submit({ orderSide: 'BUY', quantity: '0.1', ...bad });
    assert.equal(r.error?.code, 10001, `${JSON.stringify(bad)} → ${JSON.stringify(r)}`);
    assert.match(r.error!.message, new RegExp(`tradeOrder\\.${field}`));
  }
  const none = await w.call('query.trade_order.list', { tradingAccountId: w.account });
  assert.deepEqual(none.data, [], 'a refused submit leaves no order');

  const open = await w.submit({ orderSide: 'BUY', quantity: '0.5', leverage: 5 });
  assert.equal(open.error, undefined, JSON.stringify(open.error));
  assert.equal(open.data.status, 'FILLED');
  assert.equal(open.data.leverage, 5, 'the order reports the leverage it was margined at');
  assert.match(open.data.positionId, /^[0-9a-f-]{36}$/);
  const portfolio = (await w.call('query.portfolio.get', { tradingAccountId: w.account })).data;
  const position = portfolio.positions.find((p: any) => p.status === 'OPEN');
  assert.equal(position.positionId, open.data.positionId);
  // ISOLATED at 5×: a fifth of the value traded is the position's collateral.
  assert.equal(portfolio.balances.find((b: any) => b.securitySymbol === 'USDT').isolatedMargin, str(dec(open.data.executedCost).div(5)));

  const stranger = await w.submit({ orderSide: 'SELL', quantity: '0.1', positionId: '0f0f0f0f-0000-4000-8000-000000000000' });
  assert.equal(stranger.error?.code, 14003, JSON.stringify(stranger));

  // Naming the position: a reduce-only order; a share of it by POSITION_RATIO.
  const half = await w.submit({ orderSide: 'SELL', quantityType: 'POSITION_RATIO', quantity: '0.5', positionId: open.data.positionId });
  assert.equal(half.error, undefined, JSON.stringify(half.error));
  assert.deepEqual([half.data.executedQuantity, half.data.positionId, half.data.leverage], ['0.25', open.data.positionId, 5]);
  const tooMuch = await w.submit({ orderSide: 'SELL', quantity: '1', positionId: open.data.positionId });
  assert.equal(tooMuch.error?.code, 11000, 'a named position is reduced, never reversed');
  const close = await w.submit({ orderSide: 'SELL', quantity: '0.25', positionId: open.data.positionId });
  assert.equal(close.data.status, 'FILLED');
  const after = (await w.call('query.portfolio.get', { tradingAccountId: w.account })).data;
  assert.deepEqual(after.positions.map((p: any) => [p.positionId, p.status]), [[open.data.positionId, 'CLOSED']]);
  assert.equal(after.balances.find((b: any) => b.securitySymbol === 'USDT').isolatedMargin ?? '0', '0');

  // Every order read back carries them too.
  const orders = (await w.call('query.trade_order.list', { tradingAccountId: w.account })).data;
  assert.deepEqual(orders.map((o: any) => [o.leverage, o.positionId]), [[5, open.data.positionId], [5, open.data.positionId], [5, open.data.positionId]]);
});
