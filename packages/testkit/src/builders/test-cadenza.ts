/**
 * @module builders/test-cadenza
 * A complete domain over an in-memory SQLite store, fake clock/ids/cipher, an event recorder and fake venues.
 */
import { createCadenza, silentLogger, type Cadenza, type CadenzaConfig, type Store } from '@cadenza/domain';
import { SqliteStore } from '@cadenza/store';
import { FakeClock } from '../fakes/fake-clock.ts';
import { SequentialIds } from '../fakes/sequential-ids.ts';
import { FakeCipher } from '../fakes/fake-cipher.ts';
import { MemoryEventSink } from '../fakes/memory-event-sink.ts';
import { ScriptedVenue } from '../fakes/scripted-venue.ts';

export interface TestCadenza {
  cadenza: Cadenza;
  store: Store;
  venue: ScriptedVenue;
  venues: ScriptedVenue[];
  events: MemoryEventSink;
  clock: FakeClock;
}

export async function testCadenza(opts: { venues?: ScriptedVenue[]; store?: Store; config?: Partial<CadenzaConfig>; ids?: SequentialIds } = {}): Promise<TestCadenza> {
  const venues = opts.venues ?? [new ScriptedVenue()];
  const clock = new FakeClock();
  const events = new MemoryEventSink();
  const store = opts.store ?? new SqliteStore({ path: ':memory:' });
  const cadenza = createCadenza({
    store,
    venues,
    clock,
    ids: opts.ids ?? new SequentialIds(),
    cipher: new FakeCipher(),
    events,
    log: silentLogger,
    config: { awaitClosedTimeoutMs: 200, cancelConfirmTimeoutMs: 100, ...opts.config },
  });
  for (const v of venues) v.sink = cadenza.execution;
  await cadenza.start();
  return { cadenza, store, venue: venues[0]!, venues, events, clock };
}

export const alice = { userId: 'a1111111-1111-4111-8111-111111111111', isAdmin: false };
export const bob = { userId: 'b2222222-2222-4222-8222-222222222222', isAdmin: false };
export const admin = { userId: 'c3333333-3333-4333-8333-333333333333', isAdmin: true };
