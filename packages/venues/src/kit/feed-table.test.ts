import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarketDataSink, MarketStreamKey } from '@cadenza/domain';
import { FeedTable, type SymbolFeed } from './feed-table.ts';

interface Book {
  id: number;
  resets: number;
  dropped: boolean;
  synced?: boolean;
}
interface Feed extends SymbolFeed<Book> {
  readonly native: string;
  extra: string | undefined;
}

function world() {
  const events: string[] = [];
  const pooled = new Set<string>();
  const market = {
    onBookChanged: (_v: string, s: string) => events.push(`changed ${s}`),
    onFeedStatus: (_v: string, s: string, st: string, reason?: string) => events.push(`${st} ${s}${reason ? ` (${reason})` : ''}`),
  } as unknown as MarketDataSink;
  let books = 0;
  let created = 0;
  const table = new FeedTable<Book, Feed>({
    venueId: 'V',
    market,
    channelName: (key, feed) => `${key.kind}${key.interval ? `.${key.interval}` : ''}:${feed.native}`,
    poolOf: () => ({
      add: (c) => {
        assert.ok(!pooled.has(c), `${c} added twice`);
        pooled.add(c);
      },
      remove: (c) => assert.ok(pooled.delete(c), `${c} removed but not pooled`),
    }),
    newBook: () => ({ id: ++books, resets: 0, dropped: false }),
    resetBook: (b) => {
      b.resets++;
      b.synced = false;
    },
    dropBook: (b) => void (b.dropped = true),
    bookInSync: (b) => b.synced === true,
    onUnsubscribed: (feed, key) => {
      if (key.kind === 'ticker') feed.extra = undefined;
    },
  });
  const make = (symbol: string) => (): Feed => {
    created++;
    return { ref: { instrumentId: `V:${symbol}`, venue: 'V', symbol }, native: symbol.replace('/', ''), book: undefined, ticker: undefined, klines: new Map(), extra: 'x' };
  };
  return { table, events, pooled, make, created: () => created };
}

const statuses = (events: string[]) => events.filter((e) => /^(UP|DOWN)/.test(e));
const key = (symbol: string, kind: MarketStreamKey['kind'], interval?: string): MarketStreamKey => ({ symbol, kind, ...(interval ? { interval } : {}) });

describe('kit FeedTable', () => {
  test('a refused non-book channel taken back (confirmed) reports its symbol UP only when its book is in sync', () => {
    const w = world();
    w.table.subscribe(key('BTC/USD', 'orderbook'), w.make('BTC/USD'));
    w.table.subscribe(key('BTC/USD', 'trade'), w.make('BTC/USD'));
    const book = w.table.channel('orderbook:BTCUSD')!.feed.book!;
    w.table.down(['trade:BTCUSD'], 'subscription refused');
    w.table.confirmed('trade:BTCUSD');
    assert.deepEqual(statuses(w.events), ['DOWN BTC/USD (subscription refused)'], 'the book is not in sync yet');
    w.table.bookSynced(w.table.feed('BTC/USD')!);
    assert.deepEqual(statuses(w.events), ['DOWN BTC/USD (subscription refused)'], 'bookSynced only when it is');
    book.synced = true;
    w.table.bookSynced(w.table.feed('BTC/USD')!);
    w.table.down(['trade:BTCUSD'], 'subscription refused');
    w.table.confirmed('trade:BTCUSD');
    assert.deepEqual(statuses(w.events), ['DOWN BTC/USD (subscription refused)', 'UP BTC/USD', 'DOWN BTC/USD (subscription refused)', 'UP BTC/USD']);
    assert.equal(book.resets, 0, 'a refused trade channel leaves the book alone');
  });

  test('a symbol stays DOWN while any of its channels is: its book syncing, or another channel confirmed, is not enough', () => {
    const w = world();
    for (const k of [key('ETH/USD', 'orderbook'), key('ETH/USD', 'trade'), key('ETH/USD', 'ticker')]) w.table.subscribe(k, w.make('ETH/USD'));
    const feed = w.table.feed('ETH/USD')!;
    feed.book!.synced = true;
    w.table.down(['trade:ETHUSD'], 'refused');
    w.table.down(['ticker:ETHUSD'], 'refused');
    w.table.bookSynced(feed);
    w.table.confirmed('trade:ETHUSD');
    assert.ok(w.table.status.isDown('ETH/USD'), 'the ticker is still refused');
    w.table.confirmed('ticker:ETHUSD');
    assert.ok(!w.table.status.isDown('ETH/USD'));

    w.table.down(['ticker:ETHUSD'], 'refused');
    w.table.unsubscribe(key('ETH/USD', 'ticker'));
    assert.ok(!w.table.status.isDown('ETH/USD'), 'letting go of the refused channel ends the outage');
    w.table.down(['orderbook:ETHUSD', 'trade:ETHUSD'], 'socket lost');
    w.table.opened(['orderbook:ETHUSD', 'trade:ETHUSD']);
    assert.ok(w.table.status.isDown('ETH/USD'), 'the reset book waits for its sync');
    feed.book!.synced = true;
    w.table.bookSynced(feed);
    assert.ok(!w.table.status.isDown('ETH/USD'));
  });

  test('one feed per symbol, one pool entry per channel; the feed goes with its last channel', () => {
    const w = world();
    w.table.subscribe(key('BTC/USD', 'orderbook'), w.make('BTC/USD'));
    w.table.subscribe(key('BTC/USD', 'orderbook'), w.make('BTC/USD'));
    w.table.subscribe(key('BTC/USD', 'kline', '1m'), w.make('BTC/USD'));
    w.table.subscribe(key('BTC/USD', 'ticker'), w.make('BTC/USD'));
    assert.equal(w.created(), 1);
    assert.deepEqual([...w.pooled].sort(), ['kline.1m:BTCUSD', 'orderbook:BTCUSD', 'ticker:BTCUSD']);
    const feed = w.table.feed('BTC/USD')!;
    assert.equal(feed.book?.id, 1);
    assert.ok(feed.klines.has('1m'));
    assert.equal(w.table.channel('orderbook:BTCUSD')?.feed, feed);

    w.table.unsubscribe(key('BTC/USD', 'orderbook'));
    w.table.unsubscribe(key('BTC/USD', 'orderbook'));
    assert.equal(feed.book, undefined);
    w.table.unsubscribe(key('BTC/USD', 'ticker'));
    assert.equal(feed.extra, undefined, 'the connector clears its own state beside the ticker');
    assert.equal(w.table.feed('BTC/USD'), feed, 'the kline channel still holds the feed');
    w.table.unsubscribe(key('BTC/USD', 'kline', '1m'));
    assert.equal(w.table.feed('BTC/USD'), undefined);
    assert.equal(w.pooled.size, 0);
    w.table.unsubscribe(key('ETH/USD', 'trade'));
  });

  test('a create that throws changes nothing', () => {
    const w = world();
    assert.throws(() => w.table.subscribe(key('X/Y', 'trade'), () => { throw new Error('not listed'); }), /not listed/);
    assert.equal(w.table.feed('X/Y'), undefined);
    assert.equal(w.pooled.size, 0);
  });

  test('down resets books and reports DOWN once; opened brings non-book feeds UP, books wait', () => {
    const w = world();
    w.table.subscribe(key('BTC/USD', 'orderbook'), w.make('BTC/USD'));
    w.table.subscribe(key('ETH/USD', 'trade'), w.make('ETH/USD'));
    w.table.down(['orderbook:BTCUSD', 'trade:ETHUSD', 'unknown'], 'lost');
    w.table.down(['trade:ETHUSD'], 'lost again');
    assert.equal(w.table.feed('BTC/USD')!.book!.resets, 1);
    assert.deepEqual(w.events, ['changed BTC/USD', 'DOWN BTC/USD (lost)', 'DOWN ETH/USD (lost)']);
    w.events.length = 0;
    w.table.opened(['orderbook:BTCUSD', 'trade:ETHUSD']);
    assert.deepEqual(w.events, ['UP ETH/USD']);
    assert.ok(w.table.status.isDown('BTC/USD'));
  });

  test('stop drops every book and ignores later subscriptions', () => {
    const w = world();
    w.table.subscribe(key('BTC/USD', 'orderbook'), w.make('BTC/USD'));
    const book = w.table.feed('BTC/USD')!.book!;
    w.table.stop();
    assert.ok(book.dropped);
    assert.ok(w.table.isStopped);
    w.table.subscribe(key('ETH/USD', 'trade'), w.make('ETH/USD'));
    assert.equal(w.table.feed('ETH/USD'), undefined);
  });
});
