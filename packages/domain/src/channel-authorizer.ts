/**
 * @module channel-authorizer
 * Who may subscribe to which channel (docs/architecture.md, decisions 2 and 6):
 * - `tradingAccount:{id}`: the account's owner, or an admin;
 * - `user:{userId}`: that user only;
 * - `market:*`: any authenticated user, for a venue configured here and an instrument it lists
 *   (`market:ticker:{VENUE}` needs only the venue; klines also a KlineInterval the instrument offers).
 * The answer is synchronous except when the instrument is missing and the catalogue refreshes its venue on demand
 * (empty catalogue or failed last listing): the verdict then waits for that refresh.
 */
import { parseChannel } from '@cadenza/contract';
import type { AccountRegistry } from './accounts/account-registry.ts';
import type { VenueRegistry } from './venue-registry.ts';
import type { InstrumentCatalog } from './instruments/instrument-catalog.ts';
import type { Instrument } from './model/instrument.ts';
import type { CallerContext } from './model/caller.ts';

export type ChannelVerdict = { allowed: true } | { allowed: false; reason: 'unknown channel' | 'permission denied' };

export class ChannelAuthorizer {
  constructor(
    private readonly accounts: AccountRegistry,
    private readonly instruments: InstrumentCatalog,
    private readonly venues: VenueRegistry,
  ) {}

  authorize(caller: CallerContext, channel: string): ChannelVerdict | Promise<ChannelVerdict> {
    if (!caller.userId) return { allowed: false, reason: 'permission denied' };
    const ref = parseChannel(channel);
    if (!ref) return { allowed: false, reason: 'unknown channel' };
    switch (ref.kind) {
      case 'tradingAccount':
        return this.accounts.isOwner(caller, ref.tradingAccountId) ? { allowed: true } : { allowed: false, reason: 'permission denied' };
      case 'user':
        return ref.userId === caller.userId ? { allowed: true } : { allowed: false, reason: 'permission denied' };
      case 'market': {
        if (!this.venues.get(ref.venue)) return { allowed: false, reason: 'unknown channel' };
        if (ref.symbol === undefined) return { allowed: true };
        const id = `${ref.venue}:${ref.symbol}`;
        const inst = this.instruments.get(id);
        if (inst) return marketVerdict(inst, ref.interval);
        const refreshing = this.instruments.refreshing(id);
        return refreshing ? refreshing.then((found) => marketVerdict(found, ref.interval)) : unknownChannel();
      }
    }
  }
}

const unknownChannel = (): ChannelVerdict => ({ allowed: false, reason: 'unknown channel' });

function marketVerdict(inst: Instrument | undefined, interval: string | undefined): ChannelVerdict {
  if (!inst) return unknownChannel();
  if (interval && inst.spec.klineIntervals.length && !inst.spec.klineIntervals.includes(interval)) return unknownChannel();
  return { allowed: true };
}
