/**
 * @module subscriptions/subscription-service
 * Server-side data subscriptions (docs/domain.md, "Subscriptions and feeds"): per-user records of market streams and trading-account
 * streams. Creating the same ACTIVE subscription twice returns the existing one. Market subscriptions hold a
 * reference on the venue feed while ACTIVE. Changes are pushed as `event.subscription.updated` (an array) on
 * `user:{userId}`; trading-account stream changes as `event.trading_account.subscription.updated` on
 * `tradingAccount:{id}`. Ended subscriptions are TERMINATED and no longer listed. Subscriptions that have not
 * ended are held in memory from start; commands decide on them alone.
 */
import { SubscriptionTypeValues, KlineIntervalValues, parseInstrumentId } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { CallerContext } from '../model/caller.ts';
import type { MarketStreamKey, MarketStreamKind } from '../model/market-data.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { InstrumentCatalog } from '../instruments/instrument-catalog.ts';
import type { FeedRegistry } from './feed-registry.ts';
import { toRpcSubscription } from './rpc-subscription.ts';
import type { Subscription } from '../model/subscription.ts';
import type { SubscriptionFilter } from '../ports/store.ts';

const STREAM_OF: Record<string, MarketStreamKind> = {
  'MARKET.SUBSCRIPTION.ORDERBOOK': 'orderbook',
  'MARKET.SUBSCRIPTION.TRADE': 'trade',
  'MARKET.SUBSCRIPTION.TICKER': 'ticker',
  'MARKET.SUBSCRIPTION.KLINE': 'kline',
};
const ORDERBOOK = 'MARKET.SUBSCRIPTION.ORDERBOOK';

export interface CreateSubscriptionRequest {
  venue: string;
  instruments?: string[];
  subscriptionType: string;
  interval?: string;
}

/** Whether `s` matches `f` (the store's filter semantics). */
function matches(s: Subscription, f: SubscriptionFilter): boolean {
  return (
    (f.userId === undefined || s.userId === f.userId) &&
    (f.tradingAccountId === undefined || s.tradingAccountId === f.tradingAccountId) &&
    (f.venue === undefined || s.venue === f.venue) &&
    (f.instrumentIds === undefined || (s.instrumentId !== undefined && f.instrumentIds.includes(s.instrumentId))) &&
    (f.subscriptionType === undefined || s.subscriptionType === f.subscriptionType) &&
    (f.subscriptionTypePrefix === undefined || s.subscriptionType.startsWith(f.subscriptionTypePrefix)) &&
    (f.status === undefined || s.status === f.status)
  );
}

export class SubscriptionService {
  /** Every subscription not TERMINATED, oldest first. */
  private readonly live = new Map<string, Subscription>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountRegistry,
    private readonly instruments: InstrumentCatalog,
    readonly feeds: FeedRegistry,
  ) {}

  /** Loads the subscriptions that have not ended. */
  async load(): Promise<void> {
    for (const s of await this.ctx.store.loadSubscriptions()) this.live.set(s.subscriptionId, s);
  }

  /** Re-acquires the feeds of every ACTIVE market subscription (after a restart). Failures are logged. */
  async start(): Promise<void> {
    for (const s of this.active({ status: 'ACTIVE', subscriptionTypePrefix: 'MARKET.' })) {
      try {
        await this.acquire(s);
      } catch (err) {
        this.ctx.log.warn({ err, subscriptionId: s.subscriptionId }, 'could not restart a market feed');
      }
    }
  }

  // ── market subscriptions ──────────────────────────────────────────────────────────────────────────────
  async create(caller: CallerContext, req: CreateSubscriptionRequest): Promise<Subscription[]> {
    const kind = STREAM_OF[req.subscriptionType];
    if (!kind) {
      const hint = (SubscriptionTypeValues as readonly string[]).includes(req.subscriptionType) ? '; use command.trading_account.subscribe for account streams' : '';
      throw new DomainError('INVALID_SUBSCRIPTION', `subscriptionType ${boundedText(String(req.subscriptionType))} is not a market stream${hint}`);
    }
    const venue = this.ctx.venues.require(req.venue);
    if (kind === 'kline') {
      if (!req.interval) throw new DomainError('INVALID_SUBSCRIPTION', 'interval is required for MARKET.SUBSCRIPTION.KLINE');
      if (!(KlineIntervalValues as readonly string[]).includes(req.interval)) throw new DomainError('INVALID_SUBSCRIPTION', `unknown interval ${boundedText(req.interval)}`);
    }
    let instrumentIds = req.instruments ?? [];
    if (instrumentIds.length === 0) {
      if (kind !== 'ticker') throw new DomainError('INVALID_SUBSCRIPTION', `instruments are required for ${boundedText(String(req.subscriptionType))}`);
      instrumentIds = this.instruments.list({ venue: venue.id }).map((i) => i.spec.instrumentId);
    }
    const out: Subscription[] = [];
    const created: Subscription[] = [];
    for (const raw of [...new Set(instrumentIds)]) {
      const id = raw.includes(':') ? raw : `${venue.id}:${raw}`;
      const inst = parseInstrumentId(id)?.venue === venue.id ? await this.instruments.lookup(id) : undefined;
      if (!inst) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${boundedText(id)} not found on ${venue.id}`);
      if (kind === 'kline' && inst.spec.klineIntervals.length && !inst.spec.klineIntervals.includes(req.interval!)) {
        throw new DomainError('INVALID_SUBSCRIPTION', `${boundedText(id)} has no ${req.interval} klines (available: ${inst.spec.klineIntervals.join(', ')})`);
      }
      const { sub, isNew } = await this.ensureMarket(caller, venue.id, id, req.subscriptionType, kind === 'kline' ? req.interval : undefined);
      out.push(sub);
      if (isNew) created.push(sub);
    }
    // Only new subscriptions are news; returning an existing one changes nothing.
    if (created.length) this.ctx.publish.toUser(caller.userId, 'event.subscription.updated', created.map(toRpcSubscription));
    return out;
  }

  /** The caller's subscriptions that have not ended (admins: everyone's). */
  list(caller: CallerContext, f: { instrumentIds?: string[]; subscriptionType?: string; venue?: string; marketOnly?: boolean }): Subscription[] {
    const filter: SubscriptionFilter = {};
    if (!caller.isAdmin) filter.userId = caller.userId;
    if (f.instrumentIds && f.instrumentIds.length) filter.instrumentIds = f.instrumentIds;
    if (f.subscriptionType) filter.subscriptionType = f.subscriptionType;
    if (f.venue) filter.venue = f.venue;
    if (f.marketOnly) filter.subscriptionTypePrefix = 'MARKET.';
    return this.active(filter);
  }

  async subscribeOrderBook(caller: CallerContext, req: { instrumentIds?: string[]; venue?: string; symbols?: string[] }): Promise<Subscription[]> {
    const ids = this.instrumentIdsOf(req);
    const byVenue = new Map<string, string[]>();
    for (const id of ids) {
      const p = parseInstrumentId(id);
      if (!p) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${boundedText(id)} not found`);
      byVenue.set(p.venue, [...(byVenue.get(p.venue) ?? []), id]);
    }
    const out: Subscription[] = [];
    for (const [venue, list] of byVenue) out.push(...(await this.create(caller, { venue, instruments: list, subscriptionType: ORDERBOOK })));
    return out;
  }

  /** Ends one market subscription, by id (any market type) or by instrument (its order-book subscription). */
  async unsubscribeMarket(caller: CallerContext, req: { subscriptionId?: string; instrumentId?: string }): Promise<Subscription> {
    let sub: Subscription | undefined;
    if (req.subscriptionId) {
      sub = this.live.get(req.subscriptionId);
      if (sub && (!sub.subscriptionType.startsWith('MARKET.') || (!caller.isAdmin && sub.userId !== caller.userId))) sub = undefined;
    } else if (req.instrumentId) {
      sub = this.active({ userId: caller.userId, instrumentIds: [req.instrumentId], subscriptionType: ORDERBOOK, status: 'ACTIVE' })[0];
    } else {
      throw new DomainError('INVALID_SUBSCRIPTION', 'subscriptionId or instrumentId is required');
    }
    if (!sub) throw new DomainError('SUBSCRIPTION_NOT_FOUND', 'subscription not found');
    const ended = await this.terminate(sub);
    this.ctx.publish.toUser(ended.userId, 'event.subscription.updated', [toRpcSubscription(ended)]);
    return ended;
  }

  listOrderBook(caller: CallerContext, req: { instrumentIds?: string[]; venue?: string; symbols?: string[] }): Subscription[] {
    const ids = req.instrumentIds?.length || req.symbols?.length ? this.instrumentIdsOf(req) : undefined;
    const f: { instrumentIds?: string[]; subscriptionType: string; venue?: string } = { subscriptionType: ORDERBOOK };
    if (ids) f.instrumentIds = ids;
    if (req.venue) f.venue = req.venue;
    return this.list(caller, f);
  }

  // ── trading-account streams ───────────────────────────────────────────────────────────────────────────
  subscribeAccount(caller: CallerContext, req: { tradingAccountId?: string; subscriptionType: string }): Subscription {
    if (!req.subscriptionType.startsWith('TRADING_ACCOUNT.')) {
      throw new DomainError('INVALID_SUBSCRIPTION', `subscriptionType ${boundedText(String(req.subscriptionType))} is not a trading-account stream; use command.subscription.create`);
    }
    const account = this.accounts.requireOwned(caller, req.tradingAccountId);
    const existing = this.active({ tradingAccountId: account.tradingAccountId, subscriptionType: req.subscriptionType, status: 'ACTIVE' })[0];
    if (existing) return existing;
    const now = this.ctx.clock.now();
    const sub: Subscription = {
      subscriptionId: this.ctx.ids.uuid(),
      userId: account.userId,
      tradingAccountId: account.tradingAccountId,
      venue: account.venue,
      subscriptionType: req.subscriptionType,
      status: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
    };
    this.put(sub, true);
    this.ctx.publish.toAccount(account.tradingAccountId, 'event.trading_account.subscription.updated', toRpcSubscription(sub));
    return sub;
  }

  /**
   * Ends the given stream subscription of the account, or (without an id) every active one, answering the last.
   * Without an account, the subscription id alone names it (among the caller's).
   */
  unsubscribeAccount(caller: CallerContext, req: { tradingAccountId?: string; subscriptionId?: string }): Subscription {
    let tradingAccountId = req.tradingAccountId;
    if (tradingAccountId === undefined) {
      const sub = req.subscriptionId === undefined ? undefined : this.live.get(req.subscriptionId);
      if (!sub?.tradingAccountId || !this.accounts.isOwner(caller, sub.tradingAccountId)) throw new DomainError('SUBSCRIPTION_NOT_FOUND', 'subscription not found');
      tradingAccountId = sub.tradingAccountId;
    }
    const account = this.accounts.requireOwned(caller, tradingAccountId);
    const active = this.active({ tradingAccountId: account.tradingAccountId, subscriptionTypePrefix: 'TRADING_ACCOUNT.' }).filter(
      (s) => !req.subscriptionId || s.subscriptionId === req.subscriptionId,
    );
    if (active.length === 0) throw new DomainError('SUBSCRIPTION_NOT_FOUND', 'subscription not found');
    let last: Subscription | undefined;
    for (const s of active) {
      last = { ...s, status: 'TERMINATED', updatedAt: this.ctx.clock.now() };
      this.put(last, false);
      this.ctx.publish.toAccount(account.tradingAccountId, 'event.trading_account.subscription.updated', toRpcSubscription(last));
    }
    return last!;
  }

  /**
   * The account's stream subscriptions that have not ended, or (with a status) those in that status; without an
   * account, those of every account of the caller.
   */
  async listAccount(caller: CallerContext, req: { tradingAccountId?: string; subscriptionType?: string; status?: string }): Promise<Subscription[]> {
    const f: SubscriptionFilter = { subscriptionTypePrefix: 'TRADING_ACCOUNT.' };
    if (req.tradingAccountId !== undefined) f.tradingAccountId = this.accounts.requireOwned(caller, req.tradingAccountId).tradingAccountId;
    else f.userId = caller.userId;
    if (req.subscriptionType) f.subscriptionType = req.subscriptionType;
    if (req.status === undefined) return this.active(f);
    f.status = req.status;
    return this.ctx.store.listSubscriptions(f);
  }

  /** Ends every subscription of a deleted account. */
  terminateAccount(tradingAccountId: string): void {
    for (const s of this.active({ tradingAccountId, status: 'ACTIVE' })) this.put({ ...s, status: 'TERMINATED', updatedAt: this.ctx.clock.now() }, false);
  }

  /** Subscriptions held in memory (not ended) that match `f`, oldest first. */
  private active(f: SubscriptionFilter): Subscription[] {
    return [...this.live.values()].filter((s) => matches(s, f));
  }

  /** Writes a new or changed subscription, then holds it while it has not ended (undone with the enclosing unit). */
  private put(s: Subscription, isNew: boolean): void {
    if (isNew) this.ctx.store.insertSubscription(s);
    else this.ctx.store.updateSubscription(s);
    const before = this.live.get(s.subscriptionId);
    if (s.status === 'TERMINATED') this.live.delete(s.subscriptionId);
    else this.live.set(s.subscriptionId, s);
    this.ctx.unit.onUndo(() => (before ? this.live.set(s.subscriptionId, before) : this.live.delete(s.subscriptionId)));
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────────
  /** Concurrent requests for the same subscription share one creation. */
  private readonly inFlight = new Map<string, Promise<{ sub: Subscription; isNew: boolean }>>();

  private ensureMarket(caller: CallerContext, venue: string, instrumentId: string, type: string, interval: string | undefined): Promise<{ sub: Subscription; isNew: boolean }> {
    const k = [caller.userId, venue, instrumentId, type, interval ?? ''].join('|');
    const pending = this.inFlight.get(k);
    if (pending) return pending.then(({ sub }) => ({ sub, isNew: false }));
    const p = this.createMarket(caller, venue, instrumentId, type, interval).finally(() => this.inFlight.delete(k));
    this.inFlight.set(k, p);
    return p;
  }

  private async createMarket(caller: CallerContext, venue: string, instrumentId: string, type: string, interval: string | undefined): Promise<{ sub: Subscription; isNew: boolean }> {
    const existing = this.active({ userId: caller.userId, venue, instrumentIds: [instrumentId], subscriptionType: type, status: 'ACTIVE' }).find(
      (s) => s.interval === interval,
    );
    if (existing) return { sub: existing, isNew: false };
    const now = this.ctx.clock.now();
    const sub: Subscription = { subscriptionId: this.ctx.ids.uuid(), userId: caller.userId, venue, instrumentId, subscriptionType: type, status: 'ACTIVE', createdAt: now, updatedAt: now };
    if (interval !== undefined) sub.interval = interval;
    await this.acquire(sub);
    this.put(sub, true);
    return { sub, isNew: true };
  }

  private streamOf(s: Subscription): MarketStreamKey | undefined {
    const kind = STREAM_OF[s.subscriptionType];
    const symbol = s.instrumentId ? parseInstrumentId(s.instrumentId)?.symbol : undefined;
    if (!kind || !symbol) return undefined;
    return kind === 'kline' && s.interval ? { kind, symbol, interval: s.interval } : { kind, symbol };
  }

  private async acquire(s: Subscription): Promise<void> {
    const stream = this.streamOf(s);
    if (stream) await this.feeds.acquire(this.ctx.venues.require(s.venue), stream);
  }

  private async terminate(s: Subscription): Promise<Subscription> {
    const ended: Subscription = { ...s, status: 'TERMINATED', updatedAt: this.ctx.clock.now() };
    this.put(ended, false);
    const stream = this.streamOf(s);
    const venue = this.ctx.venues.get(s.venue);
    if (stream && venue && s.status === 'ACTIVE') await this.feeds.release(venue, stream);
    return ended;
  }

  private instrumentIdsOf(req: { instrumentIds?: string[]; venue?: string; symbols?: string[] }): string[] {
    if (req.instrumentIds && req.instrumentIds.length) return req.instrumentIds;
    if (req.venue && req.symbols && req.symbols.length) return req.symbols.map((s) => `${req.venue}:${s}`);
    throw new DomainError('INVALID_SUBSCRIPTION', 'give instrumentIds, or venue with symbols');
  }
}
