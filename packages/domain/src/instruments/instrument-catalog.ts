/**
 * @module instruments/instrument-catalog
 * The instruments and securities every venue lists, cached in the store so the catalogue survives a venue
 * that is down at start. An admin's DISABLED status survives re-syncs; everything else follows the venue.
 */
import { parseInstrumentId } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { InstrumentSpec } from '../ports/venue.ts';
import type { Instrument, Security } from './instrument.ts';

export interface InstrumentFilter {
  venue?: string;
  /** `BASE/QUOTE` symbols or full instrument ids. */
  symbols?: string[];
  securityType?: string;
  status?: string;
}

export class InstrumentCatalog {
  private readonly byId = new Map<string, Instrument>();
  private readonly securities = new Map<string, Security>();

  constructor(private readonly ctx: DomainContext) {}

  /**
   * Loads the cache, then refreshes from every venue in parallel. A venue that fails keeps its cached
   * instruments; one slower than `waitMs` does not hold up the start — its list is applied when it arrives.
   */
  async load(waitMs = 5_000): Promise<void> {
    for (const i of this.ctx.store.listInstruments()) this.byId.set(i.spec.instrumentId, i);
    for (const s of this.ctx.store.listSecurities()) this.securities.set(s.securityId, s);
    await Promise.all(
      this.ctx.venues.all().map((v) => {
        const done = this.sync(v.id).then(
          () => true,
          (err: unknown) => {
            this.ctx.log.warn({ err, venue: v.id }, 'could not list instruments; using the cached catalogue');
            return true;
          },
        );
        let timer: ReturnType<typeof setTimeout> | undefined;
        const slow = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), waitMs);
        });
        return Promise.race([done, slow]).then((finished) => {
          clearTimeout(timer);
          if (!finished) this.ctx.log.warn({ venue: v.id, waitMs }, 'venue is slow to list instruments; starting with the cached catalogue');
        });
      }),
    );
  }

  /** Re-reads the venue's list; returns how many instruments were stored. */
  async sync(venue: string, symbols?: string[]): Promise<number> {
    const adapter = this.ctx.venues.require(venue);
    let specs: InstrumentSpec[];
    try {
      specs = await adapter.listInstruments();
    } catch (err) {
      throw new DomainError('VENUE_UNAVAILABLE', `venue ${venue} did not list its instruments`, { cause: err });
    }
    const wanted = symbols && symbols.length ? new Set(symbols.map((s) => (s.includes(':') ? s : `${venue}:${s}`))) : undefined;
    const now = this.ctx.clock.now();
    const changed: Instrument[] = [];
    for (const spec of specs) {
      if (wanted && !wanted.has(spec.instrumentId)) continue;
      const old = this.byId.get(spec.instrumentId);
      const status = old?.status === 'DISABLED' ? 'DISABLED' : spec.status;
      changed.push({ spec, status, createdAt: old?.createdAt ?? now, updatedAt: now });
    }
    this.ctx.store.transaction(() => {
      this.ctx.store.saveInstruments(changed);
      this.ctx.store.saveSecurities(this.deriveSecurities(changed));
    });
    for (const i of changed) this.byId.set(i.spec.instrumentId, i);
    for (const s of this.deriveSecurities(changed)) this.securities.set(s.securityId, s);
    return changed.length;
  }

  get(instrumentId: string): Instrument | undefined {
    return this.byId.get(instrumentId);
  }

  /** The instrument, or INSTRUMENT_NOT_FOUND. */
  require(instrumentId: string): Instrument {
    const i = this.byId.get(instrumentId);
    if (!i) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${instrumentId} not found`);
    return i;
  }

  /** Resolves `BASE/QUOTE` against a venue, or a full instrument id. */
  resolve(symbolOrId: string, venue?: string): Instrument | undefined {
    if (this.byId.has(symbolOrId)) return this.byId.get(symbolOrId);
    return venue ? this.byId.get(`${venue}:${symbolOrId}`) : undefined;
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
    this.byId.set(instrumentId, next);
    return next;
  }

  /** Removes the instrument from the catalogue (a later sync brings it back if the venue still lists it). */
  delete(instrumentId: string): Instrument {
    const i = this.require(instrumentId);
    this.ctx.store.deleteInstrument(instrumentId);
    this.byId.delete(instrumentId);
    return i;
  }

  save(specs: InstrumentSpec[], statuses: Map<string, Instrument['status']>): Instrument[] {
    const now = this.ctx.clock.now();
    const saved = specs.map((spec) => {
      const old = this.byId.get(spec.instrumentId);
      return { spec, status: statuses.get(spec.instrumentId) ?? spec.status, createdAt: old?.createdAt ?? now, updatedAt: now };
    });
    this.ctx.store.transaction(() => {
      this.ctx.store.saveInstruments(saved);
      this.ctx.store.saveSecurities(this.deriveSecurities(saved));
    });
    for (const i of saved) this.byId.set(i.spec.instrumentId, i);
    for (const s of this.deriveSecurities(saved)) this.securities.set(s.securityId, s);
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

  /** Re-derives the venue's securities from its instruments. */
  syncSecurities(venue: string, only?: string[]): Security[] {
    this.ctx.venues.require(venue);
    let derived = this.deriveSecurities(this.list({ venue }));
    if (only && only.length) {
      const want = new Set(only);
      derived = derived.filter((s) => want.has(s.symbol) || want.has(s.securityId));
    }
    this.ctx.store.saveSecurities(derived);
    for (const s of derived) this.securities.set(s.securityId, s);
    return derived;
  }

  saveSecurities(list: Security[]): Security[] {
    this.ctx.store.saveSecurities(list);
    for (const s of list) this.securities.set(s.securityId, s);
    return list;
  }

  deleteSecurities(ids: string[]): number {
    const n = this.ctx.store.deleteSecurities(ids);
    for (const id of ids) this.securities.delete(id);
    return n;
  }

  /** Known venue + symbol (for channel authorization). */
  hasMarket(venue: string, symbol: string): boolean {
    return this.byId.has(`${venue}:${symbol}`);
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
  if (!p) throw new DomainError('INSTRUMENT_NOT_FOUND', `instrument ${instrumentId} not found`);
  return p;
}
