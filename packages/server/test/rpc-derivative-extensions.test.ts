/**
 * `tradeOrder.leverage` and `tradeOrder.positionId` on `command.trade_order.submit` (docs/extensions.md): accepted as
 * the additive extensions they are, checked at the edge like the contract's own fields (10001 naming the field), and
 * taking effect on the real PAPER perpetual — the margin is the value at the order's leverage, the order reports the
 * leverage and the position it acts on, and naming the position closes exactly it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPaperVenue } from '@cadenza/venues/paper';
import { createCadenza, dec, silentLogger, str } from '@cadenza/domain';
import { SqliteStore } from '@cadenza/store';
import { FakeCipher, FakeClock, MemoryEventSink, SequentialIds, alice } from '@cadenza/testkit';
import { createRpcDispatcher } from '../src/rpc/rpc-dispatcher.ts';

const PERP = 'PAPER:BTC-PERP';

async function world() {
  const clock = new FakeClock(Date.UTC(2026, 10, 24, 9, 0, 0));
  let onExecution: (e: never) => void = () => undefined;
  const market = { onBookChanged() {}, onTrade() {}, onTicker() {}, onKline() {} };
  const paper = createPaperVenue({ execution: { onExecution: (e) => onExecution(e as never) }, market, clock, log: silentLogger }, { seed: 5, lively: false, historyMinutes: 0, instruments: ['BTC-PERP'] });
  const cadenza = createCadenza({ store: new SqliteStore({ path: ':memory:' }), venues: [paper], clock, ids: new SequentialIds(), cipher: new FakeCipher(), events: new MemoryEventSink(), log: silentLogger, config: { awaitClosedTimeoutMs: 500 } });
  onExecution = (e) => cadenza.execution.onExecution(e);
  await cadenza.start();
  for (let i = 0; i < 8; i++) {
    clock.advance(250);
    paper.step();
  }
  const rpc = createRpcDispatcher(cadenza);
  const call = async (method: string, params: unknown) => {
    const out = await rpc.dispatch(alice, method, params);
    assert.ok('result' in out, JSON.stringify(out));
    return out.result as { data?: any; error?: { code: number; message: string } };
  };
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
