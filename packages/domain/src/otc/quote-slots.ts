/**
 * @module otc/quote-slots
 * The open quote holding each trader's slot — one live price per user, trading account, dealer, pair and side
 * (otc/quote-memory.ts) — in maps within maps keyed by the quote's own strings. A look-up makes no key: the parts are
 * strings held as long as their records (ids, the shared pair names, the side), each hashed once. A key joined from
 * the five parts was a new ~125-character string to build, flatten and hash on every RFQ (~0.5–1 µs with its set and
 * delete, ad-hoc micro-benchmark).
 */
import type { QuoteRecord } from '../model/fermata.ts';

/** What names a quote's slot. */
export type SlotOf = Pick<QuoteRecord, 'userId' | 'traderAccountId' | 'dealerAccountId' | 'symbol' | 'side'>;

interface Sides {
  BUY: string | undefined;
  SELL: string | undefined;
}

/** By user, trading account ('' when the RFQ named none), dealer, then pair: the quote id of each side. */
type Levels = Map<string, Map<string, Map<string, Map<string, Sides>>>>;

export class QuoteSlots {
  private readonly byUser: Levels = new Map();

  /** The quote id holding `q`'s slot. */
  get(q: SlotOf): string | undefined {
    return this.byUser.get(q.userId)?.get(q.traderAccountId ?? '')?.get(q.dealerAccountId)?.get(q.symbol)?.[q.side];
  }

  set(q: SlotOf, quoteId: string): void {
    const byAccount = child(this.byUser, q.userId);
    const byDealer = child(byAccount, q.traderAccountId ?? '');
    const byPair = child(byDealer, q.dealerAccountId);
    let sides = byPair.get(q.symbol);
    if (!sides) byPair.set(q.symbol, (sides = { BUY: undefined, SELL: undefined }));
    sides[q.side] = quoteId;
  }

  /** Empties `q`'s slot, and lets go of the maps it leaves empty. */
  delete(q: SlotOf): void {
    const account = q.traderAccountId ?? '';
    const byAccount = this.byUser.get(q.userId);
    const byDealer = byAccount?.get(account);
    const byPair = byDealer?.get(q.dealerAccountId);
    const sides = byPair?.get(q.symbol);
    if (!sides) return;
    sides[q.side] = undefined;
    if (sides.BUY !== undefined || sides.SELL !== undefined) return;
    byPair!.delete(q.symbol);
    if (byPair!.size > 0) return;
    byDealer!.delete(q.dealerAccountId);
    if (byDealer!.size > 0) return;
    byAccount!.delete(account);
    if (byAccount!.size === 0) this.byUser.delete(q.userId);
  }

  /** Whether no slot is held (tests). */
  get empty(): boolean {
    return this.byUser.size === 0;
  }
}

function child<V>(m: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let c = m.get(key);
  if (!c) m.set(key, (c = new Map()));
  return c;
}
