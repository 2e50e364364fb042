/**
 * @module builders/venue-sets
 * The two kinds of venue an account can be on, side by side: PAPER (Cadenza keeps the ledger) and a BINANCE that
 * needs a credential and keeps its own ledger (its balances are what the venue reports).
 */
import { ScriptedVenue, type ScriptedVenueOptions } from '../fakes/scripted-venue.ts';

export function paperAndCredentialedVenue(balances: ScriptedVenueOptions['balances'] = [{ asset: 'USDT', free: '250.5', locked: '10' }]): ScriptedVenue[] {
  return [new ScriptedVenue({ id: 'PAPER' }), new ScriptedVenue({ id: 'BINANCE', ledger: 'venue', requiresCredential: true, balances })];
}
