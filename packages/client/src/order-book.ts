/**
 * @module order-book
 * `OrderBookView`: a local order book for one instrument, kept from `market:orderbook:{VENUE}:{SYMBOL}`.
 * The subscribe reply carries a snapshot, publications carry snapshots (at most ~10/s); stream positions are
 * checked by `OrderBookState`, and any gap (offset jump, unrecovered reconnect) triggers a resync through
 * `query.orderbook.get`. See order-book-state.ts for the exact guarantees.
 */
import type { OrderBook, Venue } from '@cadenza/contract';
import { channels, instrumentId } from '@cadenza/contract';
import type { PublicationContext, SubscribedContext } from 'centrifuge';
import { ChannelStream, type ChannelRegistry } from './channel-stream.ts';
import { OrderBookState, type BookAction, type BookLevel } from './order-book-state.ts';
import { midDecimal, subtractDecimal } from './decimal-string.ts';

/** Options of `client.orderBook()`. */
export interface OrderBookOptions {
  /** Levels per side requested on resync. Default 20 (what the channel publishes). */
  depth?: number;
}

/** Events an `OrderBookView` emits (see `on`). */
export type OrderBookEvent = 'update' | 'gap' | 'resync' | 'error';

/** What the view needs from the client: the resync RPC. */
export type FetchOrderBook = (instrumentId: string, depth: number) => Promise<OrderBook>;

/** A live local order book; see the module note. */
export class OrderBookView {
  readonly venue: Venue;
  readonly symbol: string;
  readonly instrumentId: string;
  /** The channel stream underneath (its `subscription` is the raw centrifuge one). */
  readonly stream: ChannelStream<OrderBook>;
  /** Resolves once the book holds its first snapshot; rejects if the channel is refused. */
  readonly ready: Promise<void>;
  /** Resyncs performed through `query.orderbook.get`. */
  resyncs = 0;
  private readonly state = new OrderBookState();
  private readonly listeners = new Map<OrderBookEvent, Set<(arg: never) => void>>();
  private resyncing: Promise<void> | undefined;
  private readonly depth: number;

  constructor(registry: ChannelRegistry, private readonly fetchBook: FetchOrderBook, venue: Venue, symbol: string, opts: OrderBookOptions = {}) {
    this.venue = venue;
    this.symbol = symbol;
    this.instrumentId = instrumentId(venue, symbol);
    this.depth = opts.depth ?? 20;
    this.stream = new ChannelStream<OrderBook>(registry, channels.orderBook(venue, symbol));
    const sub = this.stream.subscription;
    let firstBook: () => void = () => undefined;
    const gotBook = new Promise<void>((resolve) => (firstBook = resolve));
    this.ready = Promise.all([this.stream.ready, gotBook]).then(() => undefined);
    this.ready.catch(() => undefined);
    this.on('update', () => firstBook());
    const onSubscribed = (ctx: SubscribedContext) => this.handle(this.state.onSubscribed(ctx));
    const onPublication = (ctx: PublicationContext) => this.handle(this.state.onPublication(ctx.data, ctx.offset));
    sub.on('subscribed', onSubscribed);
    sub.on('publication', onPublication);
    this.detach = () => {
      sub.removeListener('subscribed', onSubscribed);
      sub.removeListener('publication', onPublication);
    };
    // Already subscribed through another stream: the snapshot from that reply is gone, fetch one.
    if (sub.state === 'subscribed') this.handle(this.state.onSubscribed({}));
  }

  private readonly detach: () => void;

  /** Bids, best (highest) first. */
  get bids(): readonly BookLevel[] {
    return this.state.bids;
  }
  /** Asks, best (lowest) first. */
  get asks(): readonly BookLevel[] {
    return this.state.asks;
  }
  get best(): { bid: BookLevel | undefined; ask: BookLevel | undefined } {
    return { bid: this.state.bids[0], ask: this.state.asks[0] };
  }
  /** Best ask − best bid as an exact decimal string; undefined while a side is empty. */
  get spread(): string | undefined {
    const { bid, ask } = this.best;
    return bid && ask ? subtractDecimal(ask.price, bid.price) : undefined;
  }
  /** (best bid + best ask) / 2, exact. */
  get mid(): string | undefined {
    const { bid, ask } = this.best;
    return bid && ask ? midDecimal(bid.price, ask.price) : undefined;
  }
  /** Epoch ms of the data shown. */
  get timestamp(): number {
    return this.state.timestamp;
  }
  /** False before the first snapshot and between a detected gap and its resync. */
  get synced(): boolean {
    return this.state.synced;
  }
  /** Last stream position seen on the channel (undefined when the channel keeps no history). */
  get streamPosition(): { offset: number; epoch: string } | undefined {
    return this.state.position;
  }
  /** Gaps detected (offset jumps and unrecovered reconnects). */
  get gaps(): number {
    return this.state.gaps;
  }

  /** Called after every change of the book. Returns the unsubscribe function. */
  onUpdate(cb: (book: OrderBookView) => void): () => void {
    return this.on('update', cb);
  }

  /**
   * `update` after each change, `gap` when a gap is detected, `resync` after a resync snapshot was applied,
   * `error` when a resync failed (the book retries on the next publication).
   */
  on(event: 'update' | 'gap' | 'resync', cb: (book: OrderBookView) => void): () => void;
  on(event: 'error', cb: (err: unknown) => void): () => void;
  on(event: OrderBookEvent, cb: (arg: never) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(cb);
    return () => set.delete(cb);
  }

  /** Fetches a fresh snapshot now (also what a gap triggers). Concurrent calls share one request. */
  resync(): Promise<void> {
    this.resyncing ??= (async () => {
      try {
        const book = await this.fetchBook(this.instrumentId, this.depth);
        this.resyncs += 1;
        const action = this.state.onResync(book);
        this.emit('resync', this);
        if (action === 'applied') this.emit('update', this);
      } catch (err) {
        this.state.onResyncFailed();
        this.emit('error', err);
      } finally {
        this.resyncing = undefined;
      }
    })();
    return this.resyncing;
  }

  /** Stops updating and releases the channel. */
  close(): void {
    this.detach();
    this.stream.close();
    this.listeners.clear();
  }

  private handle(action: BookAction): void {
    if (action === 'resync') {
      this.emit('gap', this);
      void this.resync();
    } else if (action === 'applied') {
      this.emit('update', this);
    }
    // A snapshot may have been applied alongside a gap: show it at once.
    if (action === 'resync' && this.state.timestamp > 0) this.emit('update', this);
  }

  private emit(event: OrderBookEvent, arg: unknown): void {
    for (const cb of this.listeners.get(event) ?? []) {
      try {
        (cb as (a: unknown) => void)(arg);
      } catch {
        // A listener's bug must not break book keeping.
      }
    }
  }
}
