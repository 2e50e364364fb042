/**
 * @module server/test/paper-rpc-world
 * Test helper: the domain and the RPC table over the real PAPER venue (its matching engine and a quiet simulated
 * market, warmed up by `steps` ticks of a fake clock), on SQLite in memory, called as alice.
 */
import assert from 'node:assert/strict';
import { createPaperVenue, type PaperVenue } from '@cadenza/venues/paper';
import { createCadenza, silentLogger, type Cadenza } from '@cadenza/domain';
import { SqliteStore } from '@cadenza/store';
import { FakeCipher, FakeClock, MemoryEventSink, SequentialIds, alice } from '@cadenza/testkit';
import { createRpcDispatcher } from '../src/rpc/rpc-dispatcher.ts';

export interface PaperRpcWorld {
  clock: FakeClock;
  paper: PaperVenue;
  store: SqliteStore;
  cadenza: Cadenza;
  events: MemoryEventSink;
  /** An RPC call as alice; a protocol-level refusal fails the test, a result-level `error` is returned. */
  call(method: string, params: unknown): Promise<{ data?: any; error?: { code: number; message: string } }>;
}

export async function paperRpcWorld(opts: { seed: number; instruments: string[]; steps: number }): Promise<PaperRpcWorld> {
  const clock = new FakeClock(Date.UTC(2026, 10, 24, 9, 0, 0));
  let onExecution: (e: never) => void = () => undefined;
  const market = { onBookChanged() {}, onTrade() {}, onTicker() {}, onKline() {} };
  const paper = createPaperVenue({ execution: { onExecution: (e) => onExecution(e as never) }, market, clock, log: silentLogger }, { seed: opts.seed, lively: false, historyMinutes: 0, instruments: opts.instruments });
  const store = new SqliteStore({ path: ':memory:' });
  const events = new MemoryEventSink();
  const cadenza = createCadenza({ store, venues: [paper], clock, ids: new SequentialIds(), cipher: new FakeCipher(), events, log: silentLogger, config: { awaitClosedTimeoutMs: 500 } });
  onExecution = (e) => cadenza.execution.onExecution(e);
  await cadenza.start();
  for (let i = 0; i < opts.steps; i++) {
    clock.advance(250);
    paper.step();
  }
  const rpc = createRpcDispatcher(cadenza);
  const call = async (method: string, params: unknown) => {
    const out = await rpc.dispatch(alice, method, params);
    assert.ok('result' in out, JSON.stringify(out));
    return out.result as { data?: any; error?: { code: number; message: string } };
  };
  return { clock, paper, store, cadenza, events, call };
}
