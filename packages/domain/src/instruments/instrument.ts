/**
 * @module instruments/instrument
 * An instrument in the catalogue: the venue's spec plus the platform's own status and timestamps, and the
 * securities (assets) derived from it.
 */
import type { InstrumentSpec } from '../ports/venue.ts';

export interface Instrument {
  spec: InstrumentSpec;
  /** The platform's status; starts as the venue's, admins may enable/disable. */
  status: 'ACTIVE' | 'INACTIVE' | 'DISABLED' | 'DELISTED';
  createdAt: number;
  updatedAt: number;
  /**
   * Set on the stored record of an instrument an admin deleted (a tombstone): the catalogue never lists it, and
   * automatic refreshes do not bring it back — only an explicit `command.instrument.sync` or `save` does.
   */
  deletedAt?: number;
}

export interface Security {
  /** `{VENUE}:{ASSET}`. */
  securityId: string;
  venue: string;
  symbol: string;
  externalSymbol: string;
}
