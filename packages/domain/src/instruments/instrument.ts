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
}

export interface Security {
  /** `{VENUE}:{ASSET}`. */
  securityId: string;
  venue: string;
  symbol: string;
  externalSymbol: string;
}
