/**
 * @module otc/quote-slots
 * The open quote holding each trader's slot — one live price per user, trading account, dealer, pair and side
 * (otc/quote-memory.ts) — in maps within maps keyed by the quote's own strings. A look-up makes no key: the parts are
 * strings held as long as their records (ids, the shared pair names, the side), each hashed once. A key joined from
 * the five parts was a new ~125-character string to build, flatten and hash on every RFQ.
 *
 * A slot emptied (its quote accepted, expired…) keeps its maps for the trader's next RFQ, which most likely names the
 * same slot: making and dropping four maps a quote cost most of what the joined key did. Empty slots are swept out
 * once they outnumber `keepEmpty` and the held ones, so what the maps hold stays within twice the open quotes plus
 * `keepEmpty`.
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
  /** Pairs' entries in the maps, and how many of them hold no quote. */
  private pairs = 0;
  private emptyPairs = 0;

  constructor(private readonly keepEmpty = 1_024) {}

  /** The quote id holding `q`'s slot. */
  get(q: SlotOf): string | undefined {
    return this.byUser.get(q.userId)?.get(q.traderAccountId ?? '')?.get(q.dealerAccountId)?.get(q.symbol)?.[q.side];
  }

  set(q: SlotOf, quoteId: string): void {
    const byAccount = child(this.byUser, q.userId);
    const byDealer = child(byAccount, q.traderAccountId ?? '');
    const byPair = child(byDealer, q.dealerAccountId);
    let sides = byPair.get(q.symbol);
    if (!sides) {
      byPair.set(q.symbol, (sides = { BUY: undefined, SELL: undefined }));
      this.pairs++;
    } else if (sides.BUY === undefined && sides.SELL === undefined) this.emptyPairs--;
    sides[q.side] = quoteId;
  }

  /** Empties `q`'s slot. */
  delete(q: SlotOf): void {
    const sides = this.byUser.get(q.userId)?.get(q.traderAccountId ?? '')?.get(q.dealerAccountId)?.get(q.symbol);
    if (!sides || sides[q.side] === undefined) return;
    sides[q.side] = undefined;
    if (sides.BUY !== undefined || sides.SELL !== undefined) return;
    this.emptyPairs++;
    if (this.emptyPairs > this.keepEmpty && this.emptyPairs * 2 > this.pairs) this.sweep();
  }

  /** Whether the maps hold nothing (tests). */
  get empty(): boolean {
    return this.byUser.size === 0;
  }

  /** Drops every pair that holds no quote, and the maps that leaves empty. */
  private sweep(): void {
    for (const [user, byAccount] of this.byUser) {
      for (const [account, byDealer] of byAccount) {
        for (const [dealer, byPair] of byDealer) {
          for (const [pair, sides] of byPair) if (sides.BUY === undefined && sides.SELL === undefined) byPair.delete(pair);
          if (byPair.size === 0) byDealer.delete(dealer);
        }
        if (byDealer.size === 0) byAccount.delete(account);
      }
      if (byAccount.size === 0) this.byUser.delete(user);
    }
    this.pairs -= this.emptyPairs;
    this.emptyPairs = 0;
  }
}

function child<V>(m: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let c = m.get(key);
  if (!c) m.set(key, (c = new Map()));
  return c;
}
