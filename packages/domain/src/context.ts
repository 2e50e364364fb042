/**
 * @module context
 * What every service of one Cadenza instance shares: ports, config, the venue registry, the unit of work and the
 * event publisher.
 */
import type { CadenzaConfig } from './config.ts';
import type { Cipher } from './ports/cipher.ts';
import type { Clock } from './ports/clock.ts';
import type { IdSource } from './ports/id-source.ts';
import type { Logger } from './ports/logger.ts';
import type { Store } from './ports/store.ts';
import type { Publisher } from './publisher.ts';
import type { UnitOfWork } from './unit-of-work.ts';
import type { VenueRegistry } from './venue-registry.ts';

export interface DomainContext {
  store: Store;
  /** Runs a change atomically: store writes, memory (undone on failure) and events. */
  unit: UnitOfWork;
  /** Resolves once everything written so far is committed. */
  durable(): Promise<void>;
  /** Commits pending writes now; resolves when they are durable. */
  flush(): Promise<void>;
  venues: VenueRegistry;
  clock: Clock;
  ids: IdSource;
  cipher: Cipher;
  publish: Publisher;
  log: Logger;
  config: CadenzaConfig;
}
