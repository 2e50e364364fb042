/**
 * @module otc/dealer-service
 * The administrators' dealer commands and queries: create (which provisions the dealer's FERMATA trading account
 * and its DEALER wallet, allowed to go short), get, list, pause (no new quotes; its open quotes are REJECTED; hedging
 * goes on), resume, archive (only when flat: no hedge in flight, every pair within one lot of zero), link and unlink
 * the exchange accounts it prices from and hedges on.
 *
 * A linked account belongs to the dealer's owner (so a dealer never trades on someone else's account), is not a
 * FERMATA account, and trades on a venue this server runs.
 */
import type { FermataCreateDealerRequest } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { CallerContext } from '../model/caller.ts';
import { dec, isDecimalString } from '../model/decimal.ts';
import { FERMATA, type Dealer, type DealerStatusValue } from '../model/fermata.ts';
import type { Page, Paged } from '../ports/store.ts';
import type { DealerRegistry } from './dealer-registry.ts';
import type { FermataAccounts } from './fermata-accounts.ts';
import type { Hedger } from './hedger.ts';
import { readPricingProfiles } from './pricing-profiles.ts';
import type { QuoteDesk } from './quote-desk.ts';

const ASSET = /^[A-Z0-9]{1,20}$/;

export class DealerService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly deps: { dealers: DealerRegistry; accounts: AccountRegistry; fermata: FermataAccounts; hedger: Hedger; quotes: QuoteDesk },
  ) {}

  create(caller: CallerContext, input: FermataCreateDealerRequest): Dealer {
    const bad = (message: string) => new DomainError('INVALID_DEALER_PARAMETERS', message);
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (name.length === 0 || name.length > 200) throw bad('name must be 1 to 200 characters');
    if (!Array.isArray(input.baseCurrencies) || input.baseCurrencies.length === 0 || input.baseCurrencies.length > 50) throw bad('baseCurrencies must list 1 to 50 settlement currencies');
    for (const c of input.baseCurrencies) if (typeof c !== 'string' || !ASSET.test(c)) throw bad(`baseCurrencies: ${boundedText(String(c))} is not an asset symbol (capital letters and digits)`);
    if (input.riskThreshold !== undefined && (!isDecimalString(input.riskThreshold) || dec(input.riskThreshold).isNeg())) throw bad('riskThreshold must be a decimal of zero or more');
    const config = input.config ?? {};
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw bad('config must be an object');
    if (JSON.stringify(config).length > 16_384) throw bad('config must be at most 16 KiB of JSON');
    const profiles = readPricingProfiles(config);
    if (!profiles.ok) throw bad(profiles.message);

    const dealerAccountId = this.ctx.ids.uuid();
    return this.ctx.unit.run(() => {
      const { wallet } = this.deps.fermata.provision({ userId: caller.userId, nickname: name, walletType: 'DEALER', allowNegative: true, tradingAccountId: dealerAccountId });
      const now = this.ctx.clock.now();
      const dealer: Dealer = {
        dealerAccountId,
        userId: caller.userId,
        name,
        status: 'ACTIVE',
        baseCurrencies: [...new Set(input.baseCurrencies)],
        linkedAccountIds: [],
        config,
        walletId: wallet.walletId,
        createdAt: now,
        updatedAt: now,
      };
      if (input.riskThreshold !== undefined) dealer.riskThreshold = input.riskThreshold;
      this.deps.dealers.put(dealer, true);
      return dealer;
    });
  }

  get(dealerAccountId: string): Dealer {
    return this.deps.dealers.require(dealerAccountId);
  }

  /** Newest first. */
  list(filter: { status?: string }, page: Page): Paged<Dealer> {
    const all = this.deps.dealers
      .all()
      .filter((d) => filter.status === undefined || d.status === filter.status)
      .sort((a, b) => b.createdAt - a.createdAt || (a.dealerAccountId < b.dealerAccountId ? 1 : -1));
    return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
  }

  pause(dealerAccountId: string): Dealer {
    return this.move(dealerAccountId, 'PAUSED', ['ACTIVE'], 'dealer paused');
  }

  resume(dealerAccountId: string): Dealer {
    return this.move(dealerAccountId, 'ACTIVE', ['PAUSED']);
  }

  archive(dealerAccountId: string): Dealer {
    const d = this.deps.dealers.require(dealerAccountId);
    if (d.status !== 'ARCHIVED' && !this.deps.hedger.isFlat(d)) {
      throw new DomainError('DEALER_NOT_FLAT', `dealer ${d.dealerAccountId} is not flat: wait for its hedges, or unpause and link a venue that can hedge its exposure`);
    }
    return this.move(dealerAccountId, 'ARCHIVED', ['ACTIVE', 'PAUSED'], 'dealer archived');
  }

  /** Links an exchange account for pricing and hedging; answers its id. Linking it again changes nothing. */
  link(dealerAccountId: string, tradingAccountId: string): string {
    const d = this.requireOpen(dealerAccountId);
    const a = this.deps.accounts.find(tradingAccountId);
    if (!a || a.userId !== d.userId) throw new DomainError('DEALER_LINK_INVALID', `trading account ${boundedText(tradingAccountId)} is not an account of the dealer's owner`);
    if (a.venue === FERMATA) throw new DomainError('DEALER_LINK_INVALID', `trading account ${tradingAccountId} is a ${FERMATA} account: link exchange accounts (PAPER, MOCK, BINANCE, …)`);
    if (!this.ctx.venues.get(a.venue)) throw new DomainError('DEALER_LINK_INVALID', `venue ${a.venue} of trading account ${tradingAccountId} does not run on this server`);
    if (d.linkedAccountIds.includes(tradingAccountId)) return tradingAccountId;
    this.write({ ...d, linkedAccountIds: [...d.linkedAccountIds, tradingAccountId], updatedAt: this.ctx.clock.now() });
    this.deps.hedger.poke(d.dealerAccountId);
    return tradingAccountId;
  }

  unlink(dealerAccountId: string, tradingAccountId: string): string {
    const d = this.requireOpen(dealerAccountId);
    if (!d.linkedAccountIds.includes(tradingAccountId)) throw new DomainError('DEALER_LINK_INVALID', `trading account ${boundedText(tradingAccountId)} is not linked to dealer ${d.dealerAccountId}`);
    this.write({ ...d, linkedAccountIds: d.linkedAccountIds.filter((id) => id !== tradingAccountId), updatedAt: this.ctx.clock.now() });
    return tradingAccountId;
  }

  private requireOpen(dealerAccountId: string): Dealer {
    const d = this.deps.dealers.require(dealerAccountId);
    if (d.status === 'ARCHIVED') throw new DomainError('DEALER_NOT_ACTIVE', `dealer ${d.dealerAccountId} is archived`);
    return d;
  }

  private move(dealerAccountId: string, to: DealerStatusValue, from: DealerStatusValue[], rejectReason?: string): Dealer {
    const d = this.deps.dealers.require(dealerAccountId);
    if (d.status === to) return d;
    if (!from.includes(d.status)) throw new DomainError('INVALID_DEALER_TRANSITION', `dealer ${d.dealerAccountId} is ${d.status}: it cannot become ${to}`);
    const next: Dealer = { ...d, status: to, updatedAt: this.ctx.clock.now() };
    this.ctx.unit.run(() => {
      this.write(next);
      if (rejectReason) this.deps.quotes.rejectOpen(d.dealerAccountId, rejectReason);
    });
    return next;
  }

  private write(next: Dealer): void {
    this.ctx.unit.run(() => this.deps.dealers.put(next, false));
  }
}
