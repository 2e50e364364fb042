/**
 * The store gate: while the database is unreachable, commands get the temporary STORE_UNAVAILABLE at once; queries
 * and unknown methods go through untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RpcDispatcher } from '../src/rpc/rpc-dispatcher.ts';
import { storeGate } from '../src/rpc/store-gate.ts';

test('commands are refused as temporary while the store is unavailable; queries and unknown methods pass', async () => {
  const calls: string[] = [];
  const inner: RpcDispatcher = {
    methods: new Set(['command.trade_order.submit', 'query.trade_order.list']),
    async dispatch(_caller, method) {
      calls.push(method);
      return { result: { data: method } };
    },
  };
  let up = false;
  const gated = storeGate(inner, () => up);
  const caller = { userId: 'u', isAdmin: false };
  assert.deepEqual(await gated.dispatch(caller, 'command.trade_order.submit', {}), {
    result: { error: { code: 10003, message: 'the database is unavailable; retry shortly', temporary: true } },
  });
  assert.deepEqual(await gated.dispatch(caller, 'query.trade_order.list', {}), { result: { data: 'query.trade_order.list' } });
  assert.deepEqual(await gated.dispatch(caller, 'command.no_such.method', {}), { result: { data: 'command.no_such.method' } });
  up = true;
  assert.deepEqual(await gated.dispatch(caller, 'command.trade_order.submit', {}), { result: { data: 'command.trade_order.submit' } });
  assert.deepEqual(calls, ['query.trade_order.list', 'command.no_such.method', 'command.trade_order.submit']);
});
