/**
 * @module otc/dealer-registry
 * Every dealer, held in memory from start (an RFQ reads its dealer on every call; command paths never wait on the
 * store), with each dealer's pricing profiles read once from its config.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { Dealer } from '../model/fermata.ts';
import { readPricingProfiles, type PricingProfile } from './pricing-profiles.ts';
import { toFermataDealer } from './fermata-models.ts';

interface Held {
  dealer: Dealer;
  profiles: Map<string, PricingProfile>;
  defaultProfileId: string;
}

export class DealerRegistry {
  private readonly byId = new Map<string, Held>();

  constructor(private readonly ctx: DomainContext) {}

  async load(): Promise<void> {
    for (const d of await this.ctx.store.otc.loadDealers()) this.byId.set(d.dealerAccountId, held(d));
  }

  find(dealerAccountId: string): Dealer | undefined {
    return this.byId.get(dealerAccountId)?.dealer;
  }

  /** The dealer, or DEALER_NOT_FOUND. */
  require(dealerAccountId: string | undefined): Dealer {
    const d = dealerAccountId === undefined ? undefined : this.find(dealerAccountId);
    if (!d) throw new DomainError('DEALER_NOT_FOUND', `dealer ${dealerAccountId === undefined ? '(none)' : boundedText(dealerAccountId)} not found`);
    return d;
  }

  all(): Dealer[] {
    return [...this.byId.values()].map((h) => h.dealer);
  }

  /** The profile an RFQ prices with: the one it names (undefined when the dealer has no such profile), else the default. */
  profile(dealerAccountId: string, requested: string | undefined): PricingProfile | undefined {
    const h = this.byId.get(dealerAccountId);
    return h?.profiles.get((requested ?? h.defaultProfileId).toLowerCase());
  }

  /** Writes a new dealer or its new state, holds it (undone with the enclosing unit) and pushes it to its account. */
  put(dealer: Dealer, isNew: boolean): void {
    if (isNew) this.ctx.store.otc.insertDealer(dealer);
    else this.ctx.store.otc.updateDealer(dealer);
    const before = this.byId.get(dealer.dealerAccountId);
    this.byId.set(dealer.dealerAccountId, held(dealer));
    this.ctx.unit.onUndo(() => (before ? this.byId.set(dealer.dealerAccountId, before) : this.byId.delete(dealer.dealerAccountId)));
    this.ctx.publish.toAccount(dealer.dealerAccountId, 'event.fermata.dealer.updated', toFermataDealer(dealer));
  }
}

function held(dealer: Dealer): Held {
  const read = readPricingProfiles(dealer.config);
  // A stored config was checked when it was written; should it no longer read (a newer release's keys), the dealer
  // keeps the built-in profile rather than failing to start.
  return read.ok ? { dealer, profiles: read.profiles, defaultProfileId: read.defaultId } : { dealer, ...fallback() };
}

function fallback(): { profiles: Map<string, PricingProfile>; defaultProfileId: string } {
  const read = readPricingProfiles({});
  if (!read.ok) throw new Error('the built-in pricing profile does not read');
  return { profiles: read.profiles, defaultProfileId: read.defaultId };
}
