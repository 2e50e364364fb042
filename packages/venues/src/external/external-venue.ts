/**
 * @module external/external-venue
 * A venue whose market data comes only from an external feeder (`CADENZA_EXTERNAL_VENUES`): a contract venue this
 * server has no connector for — an exchange a feeder process already reads, a desk that publishes its prices —
 * announced to clients like any other. Its instruments are the ones an admin saves (`command.instrument.save`;
 * it lists none itself), its books, tickers and bars what the feeder pushes (`command.orderbook.save`, …), kept
 * in memory (external-feed.ts). It carries market data only: an order for it is rejected with the reason.
 */
import type {
  BookSnapshot,
  ExternalMarketData,
  InstrumentSpec,
  KlineUpdate,
  TickerSnapshot,
  Venue,
  VenueCapabilities,
  VenueDeps,
  VenueId,
} from '@cadenza/domain';
import { ExternalFeed } from './external-feed.ts';

export class ExternalVenue implements Venue {
  readonly capabilities: VenueCapabilities = { ledger: 'domain', requiresCredential: false, marketData: true, trading: false };
  readonly #feed: ExternalFeed;

  constructor(
    readonly id: VenueId,
    deps: VenueDeps,
  ) {
    this.#feed = new ExternalFeed(deps.market);
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** None of its own: an admin saves the instruments the feeder covers. */
  async listInstruments(): Promise<InstrumentSpec[]> {
    return [];
  }

  /** The feeder pushes whether anyone listens or not: nothing to start or stop. */
  async subscribeMarket(): Promise<void> {}
  async unsubscribeMarket(): Promise<void> {}

  acceptMarketData(data: ExternalMarketData): void {
    this.#feed.accept(data);
  }

  getBook(symbol: string, depth: number): BookSnapshot | undefined {
    return this.#feed.book(symbol, depth);
  }

  getTicker(symbol: string): TickerSnapshot | undefined {
    return this.#feed.ticker(symbol);
  }

  async getKlines(symbol: string, interval: string, limit: number): Promise<KlineUpdate[]> {
    return this.#feed.klines(symbol, interval, limit) ?? [];
  }

  async submitOrder(): Promise<void> {
    throw new Error(`${this.id} carries market data an external feeder pushes; orders cannot be placed on it`);
  }

  async cancelOrder(): Promise<void> {
    throw new Error(`${this.id} carries market data only; it holds no orders`);
  }
}

export function createExternalVenue(id: VenueId, deps: VenueDeps): ExternalVenue {
  return new ExternalVenue(id, deps);
}
