/**
 * @module server/test/rpc-test-world
 * Test helper: a domain over fake venues (PAPER, a credentialed BINANCE) and a dispatcher, with callers.
 * Lives beside the tests that use it; not exported from the package.
 */
import { ScriptedVenue, testCadenza, alice, bob, admin, type TestCadenza } from '@cadenza/testkit';
import type { CallerContext } from '@cadenza/domain';
import { createRpcDispatcher, type RpcDispatcher } from '../src/rpc/rpc-dispatcher.ts';

export interface RpcWorld extends TestCadenza {
  rpc: RpcDispatcher;
  binance: ScriptedVenue;
  call(caller: CallerContext, method: string, params?: unknown): Promise<any>;
}

export async function rpcWorld(): Promise<RpcWorld> {
  const paper = new ScriptedVenue({ id: 'PAPER' });
  const binance = new ScriptedVenue({ id: 'BINANCE', ledger: 'venue', requiresCredential: true, balances: [{ asset: 'USDT', free: '500', locked: '0' }, { asset: 'BTC', free: '0.5', locked: '0' }] });
  const t = await testCadenza({ venues: [paper, binance] });
  const rpc = createRpcDispatcher(t.cadenza, { system: { database: () => true, now: () => t.clock.now() } });
  return {
    ...t,
    rpc,
    binance,
    async call(caller, method, params = {}) {
      const out = await rpc.dispatch(caller, method, params);
      return 'result' in out ? out.result : { protocolError: out.protocolError };
    },
  };
}

export { alice, bob, admin };
