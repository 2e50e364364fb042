/**
 * @module otc/hedge-venues
 * Where a dealer can price and hedge a pair: its linked exchange accounts that are ACTIVE, on a venue this server
 * runs, that lists the pair ACTIVE. In link order.
 */
import type { DomainContext } from '../context.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import type { Dealer } from '../model/fermata.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { Venue } from '../ports/venue.ts';

export interface HedgeVenue {
  account: TradingAccount;
  venue: Venue;
  spec: InstrumentSpec;
}

export class HedgeVenues {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountRegistry,
    private readonly instruments: InstrumentCatalog,
  ) {}

  for(dealer: Dealer, symbol: string): HedgeVenue[] {
    const out: HedgeVenue[] = [];
    for (const id of dealer.linkedAccountIds) {
      const account = this.accounts.find(id);
      if (!account || account.status !== 'ACTIVE') continue;
      const venue = this.ctx.venues.get(account.venue);
      if (!venue) continue;
      const instrument = this.instruments.get(`${venue.id}:${symbol}`);
      if (!instrument || instrument.status !== 'ACTIVE') continue;
      out.push({ account, venue, spec: instrument.spec });
    }
    return out;
  }
}
