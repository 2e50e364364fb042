/**
 * Live market data for one instrument through the SDK: the local order book (`client.orderBook`, which detects
 * gaps and resyncs by itself) and the public trades. The server is asked to run the feeds first
 * (`command.subscription.create`: idempotent; PAPER streams anyway, live venues only on demand).
 *
 * Renders are batched to one per animation frame: the book publishes up to 10 snapshots a second per instrument.
 */
import { useEffect, useState } from 'preact/hooks';
import type { BookLevel, CadenzaClient, MarketTrade, RpcInstrument, SubscriptionType, Venue } from '@cadenza/client';
import { errorText } from '../ui/errors.ts';

export interface BookSnapshot {
  bids: readonly BookLevel[];
  asks: readonly BookLevel[];
  spread?: string;
  mid?: string;
  /** False before the first snapshot and while a detected gap is being repaired. */
  synced: boolean;
  /** Epoch ms of the data shown. */
  timestamp: number;
}

export interface MarketState {
  book: BookSnapshot;
  trades: MarketTrade[];
  /** Why the feeds could not be started (e.g. a live venue without network). */
  feedError?: string;
}

const TAPE_LENGTH = 40;
const EMPTY_BOOK: BookSnapshot = { bids: [], asks: [], synced: false, timestamp: 0 };

export function ensureFeeds(client: CadenzaClient, inst: RpcInstrument, types: SubscriptionType[], interval?: string): Promise<unknown> {
  const venue = inst.venue as Venue;
  return Promise.all(
    types.map((subscriptionType) =>
      client.rpc('command.subscription.create', {
        venue,
        instruments: [inst.instrumentId!],
        subscriptionType,
        ...(subscriptionType === 'MARKET.SUBSCRIPTION.KLINE' ? { interval: interval as never } : {}),
      }),
    ),
  );
}

export function useMarket(client: CadenzaClient, inst: RpcInstrument | undefined): MarketState {
  const [book, setBook] = useState<BookSnapshot>(EMPTY_BOOK);
  const [trades, setTrades] = useState<MarketTrade[]>([]);
  const [feedError, setFeedError] = useState<string>();

  useEffect(() => {
    if (!inst?.venue || !inst.symbol) return;
    setBook(EMPTY_BOOK);
    setTrades([]);
    setFeedError(undefined);
    ensureFeeds(client, inst, ['MARKET.SUBSCRIPTION.ORDERBOOK', 'MARKET.SUBSCRIPTION.TRADE']).catch((err: unknown) => setFeedError(errorText(err)));

    const view = client.orderBook(inst.venue as Venue, inst.symbol, { depth: 20 });
    let frame = 0;
    const paint = () => {
      frame = 0;
      setBook({ bids: view.bids.slice(), asks: view.asks.slice(), spread: view.spread, mid: view.mid, synced: view.synced, timestamp: view.timestamp });
    };
    const schedule = () => (frame ||= requestAnimationFrame(paint));
    const offs = [view.onUpdate(schedule), view.on('gap', schedule), view.on('resync', schedule)];
    // The book is unsynced from the moment the connection drops until the resubscribe snapshot arrives.
    const onDrop = () => schedule();
    view.stream.subscription.on('subscribing', onDrop);

    const tape = client.trades(inst.venue as Venue, inst.symbol);
    tape.on((t) => setTrades((prev) => [t, ...prev].slice(0, TAPE_LENGTH)));
    // Fill the tape from the channel's history (the last few minutes) once subscribed.
    tape.ready
      .then(() => tape.subscription.history({ limit: TAPE_LENGTH, reverse: true }))
      .then((h) => setTrades((prev) => (prev.length ? prev : h.publications.map((p) => p.data as MarketTrade))))
      .catch(() => undefined);

    return () => {
      for (const off of offs) off();
      view.stream.subscription.removeListener('subscribing', onDrop);
      if (frame) cancelAnimationFrame(frame);
      view.close();
      tape.close();
    };
  }, [client, inst?.instrumentId]);

  return { book, trades, ...(feedError ? { feedError } : {}) };
}
