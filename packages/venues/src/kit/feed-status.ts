/**
 * @module kit/feed-status
 * The UP/DOWN state of each symbol's feed, reported to the market-data sink only when it changes (a book that is
 * being resynchronised, a socket that was lost, maintenance).
 */
import type { MarketDataSink } from '@cadenza/domain';

export class FeedStatus {
  private readonly down = new Set<string>();

  constructor(
    private readonly venueId: string,
    private readonly market: MarketDataSink,
  ) {}

  setDown(symbol: string, reason: string): void {
    if (this.down.has(symbol)) return;
    this.down.add(symbol);
    this.market.onFeedStatus?.(this.venueId, symbol, 'DOWN', reason);
  }

  setUp(symbol: string): void {
    if (!this.down.delete(symbol)) return;
    this.market.onFeedStatus?.(this.venueId, symbol, 'UP');
  }

  isDown(symbol: string): boolean {
    return this.down.has(symbol);
  }

  /** A symbol no longer fed: forget its state. */
  forget(symbol: string): void {
    this.down.delete(symbol);
  }
}
