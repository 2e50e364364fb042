/**
 * @module instruments/instrument-catalog
 * The instruments and securities every venue lists, cached in the store so the catalogue survives a venue
 * that is down at start. An admin's DISABLED status survives every refresh and sync; everything else follows the
 * venue.
 *
 * Refreshes (automatic): at start, every `instrumentRefreshMs` (`startRefresh`), and on demand — when a request
 * names an instrument the catalogue lacks on a configured venue whose catalogue is empty or whose last listing
 * failed (at most once per 30 s per venue; `lookup` waits for it up to `instrumentListWaitMs`, `get` only starts
 * it). They add new listings and follow the venue's changes, write only what changed, and never bring back an
 * instrument an admin deleted (its tombstone, `deletedAt`, stays in the store). An admin's explicit `sync` does:
 * it re-stores everything the venue lists, deleted instruments included (optionally only `symbols`).
 */
import { parseInstrumentId } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError, causeChain } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { Instrument, Security } from '../model/instrument.ts';
import { VenueListings } from './venue-listings.ts';
import { toRpcInstrument, toRpcSecurity } from './rpc-instrument.ts';

/** A flood of requests for unknown instruments lists a venue at most this often. */
const ON_DEMAND_GAP_MS = 30_000;

export interface InstrumentFilter {
  venue?: string;
  /** `BASE/QUOTE` symbols or full instrument ids. */
  symbols?: string[];
  securityType?: string;
  status?: string;
}

export class InstrumentCatalog {
  private readonly byId = new Map<string, Instrument>();
  /** Instruments per venue, so "is this venue's catalogue empty" is cheap on every miss. */
  private readonly countByVenue = new Map<string, number>();
  /** Tombstones of instruments an admin deleted (module note). */
  private readonly deleted = new Map<string, Instrument>();
  private readonly securities = new Map<string, Security>();
  private readonly listings: VenueListings;

  constructor(private readonly ctx: DomainContext) {
    this.listings = new VenueListings({
      venues: () => ctx.venues.ids(),
      fetch: (venue) => this.fetch(venue),
      apply: (venue, specs) => this.applyRefresh(venue, specs),
      now: () => ctx.clock.now(),
      log: ctx.log,
      onDemandGapMs: ON_DEMAND_GAP_MS,
    });
  }

  /**
   * Loads the cache, then refreshes from every venue in parallel. A venue that fails keeps its cached
   * instruments; one slower than `waitMs` does not hold up the start — its list is applied when it arrives.
   */
  async load(waitMs = 5_000): Promise<void> {
    for (const i of await this.ctx.store.loadInstruments()) {
      if (i.deletedAt !== undefined) this.deleted.set(i.spec.instrumentId, i);
      else this.put(i);
    }
    for (const s of await this.ctx.store.loadSecurities()) this.securities.set(s.securityId, s);
    await Promise.all(
      this.ctx.venues.all().map((v) => {
        const done = this.listings.refresh(v.id).then(
          () => true,
          (err: unknown) => {
            this.ctx.log.warn({ venue: v.id, reason: causeChain(err) }, 'could not list instruments; using the cached catalogue');
            return true;
          },
        );
        return this.within(done, waitMs).then((finished) => {
          if (!finished) this.ctx.log.warn({ venue: v.id, waitMs }, 'venue is slow to list instruments; starting with the cached catalogue');
        });
      }),
    );
  }

  /** Starts the periodic refresh of every venue (0 = none). */
  startRefresh(intervalMs: number): void {
    this.listings.startPeriodic(intervalMs);
  }

  /** Stops periodic and on-demand refreshes; listings still in flight are not applied. */
  stop(): void {
    this.listings.stop();
  }

  /**
   * An admin's re-read of the venue's list: stores everything it lists (or only `symbols`), deleted instruments
   * included; an admin's DISABLED stays. Returns how many instruments were stored.
   */
  async sync(venue: string, symbols?: string[]): Promise<number> {
    this.ctx.venues.require(venue);
    let specs: InstrumentSpec[];
    try {
      specs = await this.fetch(venue);
    } catch (err) {
      this.listings.record(venue, false);
      throw err;
    }
    this.listings.record(venue, true);
    const wanted = symbols && symbols.length ? new Set(symbols.map((s) => (s.includes(':') ? s : `${venue}:${s}`))) : undefined;
    const now = this.ctx.clock.now();
    const changed: Instrument[] = [];
    for (const spec of specs) {
      if (wanted && !wanted.has(spec.instrumentId)) continue;
      const old = this.byId.get(spec.instrumentId);
      const status = old?.status === 'DISABLED' ? 'DISABLED' : spec.status;
      changed.push({ spec, status, createdAt: old?.createdAt ?? now, updatedAt: now });
    }
    this.store(changed);
    this.announce(changed);
    return changed.length;
  }

  /**
   * The instrument. A miss on a venue whose catalogue is empty or whose last listing failed starts an on-demand
   * refresh (module note) without waiting for it; `lookup` waits.
   */
  get(instrumentId: string): Instrument | undefined {
    const i = this.byId.get(instrumentId);
    if (!i) void this.warrantedListing(instrumentId);
    return i;
  }

  /**
   * The instrument if the catalogue holds it — `get` without a miss's on-demand refresh check: for readers to whom a
   * missing instrument is an answer, not something to list (a holding's terms for a pair no venue lists: every OTC one).
   */
  known(instrumentId: string): Instrument | undefined {
    return this.byId.get(instrumentId);
  }

  /** The instrument, waiting for an on-demand refresh of its venue when one is warranted (module note). */
  async lookup(instrumentId: string): Promise<Instrument | undefined> {
    return this.byId.get(instrumentId) ?? (await this.refreshing(instrumentId));
  }

  /**
   * For callers that stay synchronous when they can: undefined when the instrument is known or no refresh is
   * warranted (or allowed yet); else the refresh to wait for (bounded by `instrumentListWaitMs`), resolving to the
   * instrument if it then exists.
   */
  refreshing(instrumentId: string): Promise<Instrument | undefined> | undefined {
    const listing = this.warrantedListing(instrumentId);
    if (!listing) return undefined;
    return this.within(listing, this.ctx.config.instrumentListWaitMs).then(() => this.byId.get(instrumentId));
  }

  /** The instrument, or INSTRUMENT_NOT_FOUND (a miss may start an on-demand refresh, as `get`). */
  require(instrumentId: string): Instrument {
    const i = this.get(instrumentId);
    if (!i) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${boundedText(instrumentId)} not found`);
    return i;
  }

  /** Resolves `BASE/QUOTE` against a venue, or a full instrument id (a miss may start a refresh, as `get`). */
  resolve(symbolOrId: string, venue?: string): Instrument | undefined {
    if (this.byId.has(symbolOrId)) return this.byId.get(symbolOrId);
    return venue ? this.get(`${venue}:${symbolOrId}`) : undefined;
  }

  list(filter: InstrumentFilter = {}): Instrument[] {
    const symbols = filter.symbols && filter.symbols.length ? new Set(filter.symbols) : undefined;
    const out: Instrument[] = [];
    for (const i of this.byId.values()) {
      if (filter.venue !== undefined && i.spec.venue !== filter.venue) continue;
      if (symbols && !symbols.has(i.spec.symbol) && !symbols.has(i.spec.instrumentId) && !symbols.has(i.spec.externalSymbol)) continue;
      if (filter.status !== undefined && i.status !== filter.status) continue;
      if (filter.securityType !== undefined && filter.securityType !== 'CRYPTO' && filter.securityType !== 'SPOT') continue;
      out.push(i);
    }
    return out.sort((a, b) => a.spec.instrumentId.localeCompare(b.spec.instrumentId));
  }

  setStatus(instrumentId: string, status: Instrument['status']): Instrument {
    const i = this.require(instrumentId);
    const next: Instrument = { ...i, status, updatedAt: this.ctx.clock.now() };
    this.ctx.store.saveInstruments([next]);
    this.put(next);
    this.announce([next]);
    return next;
  }

  /**
   * Removes the instrument from the catalogue. Automatic refreshes leave it out; an explicit sync (or save) brings
   * it back if the venue still lists it. The tombstone stays in the store so this survives restarts.
   */
  delete(instrumentId: string): Instrument {
    const i = this.require(instrumentId);
    const now = this.ctx.clock.now();
    const tombstone: Instrument = { ...i, updatedAt: now, deletedAt: now };
    this.ctx.store.saveInstruments([tombstone]);
    this.drop(instrumentId);
    this.deleted.set(instrumentId, tombstone);
    this.announce([{ ...i, status: 'DELISTED', updatedAt: now }]);
    return i;
  }

  save(specs: InstrumentSpec[], statuses: Map<string, Instrument['status']>): Instrument[] {
    const now = this.ctx.clock.now();
    const saved = specs.map((spec) => {
      const old = this.byId.get(spec.instrumentId);
      return { spec, status: statuses.get(spec.instrumentId) ?? spec.status, createdAt: old?.createdAt ?? now, updatedAt: now };
    });
    this.store(saved);
    this.announce(saved);
    return saved;
  }

  // ── securities ────────────────────────────────────────────────────────────────────────────────────────
  listSecurities(filter: { venue?: string; securities?: string[]; externalSymbols?: string[] } = {}): Security[] {
    const names = filter.securities && filter.securities.length ? new Set(filter.securities) : undefined;
    const ext = filter.externalSymbols && filter.externalSymbols.length ? new Set(filter.externalSymbols) : undefined;
    return [...this.securities.values()]
      .filter((s) => (filter.venue === undefined || s.venue === filter.venue) && (!names || names.has(s.symbol) || names.has(s.securityId)) && (!ext || ext.has(s.externalSymbol)))
      .sort((a, b) => a.securityId.localeCompare(b.securityId));
  }

  /** Whether the venue's last listing succeeded: false while a live venue cannot be reached. */
  isReachable(venue: string): boolean {
    return !this.listings.needsListing(venue);
  }

  findSecurity(securityId: string): Security | undefined {
    return this.securities.get(securityId);
  }

  /** Re-derives the venue's securities from its instruments. */
  syncSecurities(venue: string, only?: string[]): Security[] {
    this.ctx.venues.require(venue);
    let derived = this.deriveSecurities(this.list({ venue }));
    if (only && only.length) {
      const want = new Set(only);
      derived = derived.filter((s) => want.has(s.symbol) || want.has(s.securityId));
    }
    return this.saveSecurities(derived);
  }

  saveSecurities(list: Security[]): Security[] {
    this.ctx.store.saveSecurities(list);
    for (const s of list) this.securities.set(s.securityId, s);
    this.announceSecurities(list);
    return list;
  }

  deleteSecurities(ids: string[]): number {
    const gone = ids.map((id) => this.securities.get(id)).filter((s) => s !== undefined);
    const n = this.ctx.store.deleteSecurities(ids);
    for (const id of ids) this.securities.delete(id);
    this.announceSecurities(gone);
    return n;
  }

  /**
   * An admin's change, pushed as `event.instrument.updated` on each venue's `market:instrument:{VENUE}` (a deleted
   * instrument is announced DELISTED). Refreshes the venues bring are not announced.
   */
  private announce(changed: Instrument[]): void {
    for (const [venue, list] of byVenue(changed, (i) => i.spec.venue)) this.ctx.publish.toCatalogue('instrument', venue, 'event.instrument.updated', list.map(toRpcInstrument));
  }

  /** The same for securities: `event.security.updated` on `market:security:{VENUE}` (a deleted one as it was). */
  private announceSecurities(changed: Security[]): void {
    for (const [venue, list] of byVenue(changed, (s) => s.venue)) this.ctx.publish.toCatalogue('security', venue, 'event.security.updated', list.map(toRpcSecurity));
  }

  /** Known venue + symbol (for channel authorization). */
  hasMarket(venue: string, symbol: string): boolean {
    return this.byId.has(`${venue}:${symbol}`);
  }

  /** The on-demand listing a miss on `instrumentId` warrants (module note), started or joined; never rejects. */
  private warrantedListing(instrumentId: string): Promise<void> | undefined {
    if (this.byId.has(instrumentId)) return undefined;
    const venue = parseInstrumentId(instrumentId)?.venue;
    if (!venue || !this.ctx.venues.get(venue)) return undefined;
    if (!this.listings.needsListing(venue) && (this.countByVenue.get(venue) ?? 0) > 0) return undefined;
    return this.listings.onDemand(venue);
  }

  private async fetch(venue: string): Promise<InstrumentSpec[]> {
    const adapter = this.ctx.venues.require(venue);
    try {
      return await adapter.listInstruments();
    } catch (err) {
      throw new DomainError('VENUE_UNAVAILABLE', `venue ${venue} did not list its instruments`, { cause: err });
    }
  }

  /** An automatic refresh's list: new and changed instruments only, tombstones and DISABLED respected. */
  private applyRefresh(venue: string, specs: InstrumentSpec[]): void {
    const now = this.ctx.clock.now();
    const changed: Instrument[] = [];
    let added = 0;
    for (const spec of specs) {
      if (this.deleted.has(spec.instrumentId)) continue;
      const old = this.byId.get(spec.instrumentId);
      const status = old?.status === 'DISABLED' ? 'DISABLED' : spec.status;
      if (old && old.status === status && JSON.stringify(old.spec) === JSON.stringify(spec)) continue;
      if (!old) added++;
      changed.push({ spec, status, createdAt: old?.createdAt ?? now, updatedAt: now });
    }
    if (changed.length === 0) return;
    this.store(changed);
    this.ctx.log.info({ venue, added, updated: changed.length - added }, 'instrument catalogue refreshed');
  }

  /** Stores live instruments (clearing their tombstones) with their securities, in one transaction. */
  private store(instruments: Instrument[]): void {
    const securities = this.deriveSecurities(instruments);
    this.ctx.store.transaction(() => {
      this.ctx.store.saveInstruments(instruments);
      this.ctx.store.saveSecurities(securities);
    });
    for (const i of instruments) {
      this.deleted.delete(i.spec.instrumentId);
      this.put(i);
    }
    for (const s of securities) this.securities.set(s.securityId, s);
  }

  private put(i: Instrument): void {
    const id = i.spec.instrumentId;
    if (!this.byId.has(id)) this.countByVenue.set(i.spec.venue, (this.countByVenue.get(i.spec.venue) ?? 0) + 1);
    this.byId.set(id, i);
  }

  private drop(instrumentId: string): void {
    const i = this.byId.get(instrumentId);
    if (!i) return;
    this.byId.delete(instrumentId);
    this.countByVenue.set(i.spec.venue, (this.countByVenue.get(i.spec.venue) ?? 1) - 1);
  }

  /** Whether `p` settled within `ms` (it keeps running either way). */
  private within(p: Promise<unknown>, ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    return Promise.race([p.then(() => true), late]).finally(() => clearTimeout(timer));
  }

  private deriveSecurities(instruments: Instrument[]): Security[] {
    const out = new Map<string, Security>();
    for (const i of instruments) {
      for (const asset of [i.spec.baseAsset, i.spec.quoteAsset]) {
        const securityId = `${i.spec.venue}:${asset}`;
        out.set(securityId, { securityId, venue: i.spec.venue, symbol: asset, externalSymbol: asset });
      }
    }
    return [...out.values()];
  }
}

/** Splits an instrument id; INSTRUMENT_NOT_FOUND when malformed. */
export function requireInstrumentParts(instrumentId: string): { venue: string; symbol: string } {
  const p = parseInstrumentId(instrumentId);
  if (!p) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${boundedText(instrumentId)} not found`);
  return p;
}

function byVenue<T>(items: T[], venueOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) out.set(venueOf(t), [...(out.get(venueOf(t)) ?? []), t]);
  return out;
}
