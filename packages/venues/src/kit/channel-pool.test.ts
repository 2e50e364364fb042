import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarketDataSink, MarketStreamKey } from '@cadenza/domain';
import { ChannelPool } from './channel-pool.ts';
import { FeedTable, type SymbolFeed } from './feed-table.ts';

/**
 * The refusal mechanism every pooled connector shares: the pool hears a refusal and a confirmation, the table turns
 * them into the symbol's DOWN and UP. No socket is ever opened (the connection gate never lets one through), so the
 * pool's back-off timers are the only time involved, and the clock is fake.
 */
interface Book {
  synced: boolean;
}
type Feed = SymbolFeed<Book>;

function world() {
  const statuses: string[] = [];
  const logs: string[] = [];
  const confirmations: string[] = [];
  const market = {
    onBookChanged: () => {},
    onFeedStatus: (_v: string, s: string, st: string, reason?: string) => statuses.push(`${st} ${s}${reason ? ` (${reason})` : ''}`),
  } as unknown as MarketDataSink;
  const log = { info: (_o: object, msg?: string) => void logs.push(`info ${msg}`), warn: (_o: object, msg?: string) => void logs.push(`warn ${msg}`) };
  const pool: ChannelPool = new ChannelPool({
    name: 'V public',
    url: 'ws://127.0.0.1:9',
    log,
    capacity: 10,
    subscribeFrames: (chs) => chs,
    unsubscribeFrames: (chs) => chs,
    onMessage: () => {},
    onDown: (chs, reason) => table.down(chs, reason),
    onConfirmed: (ch) => {
      confirmations.push(ch);
      table.confirmed(ch);
    },
    beforeConnect: () => new Promise(() => {}),
    refusedRetryMs: { min: 1000, max: 8000 },
  });
  const table: FeedTable<Book, Feed> = new FeedTable<Book, Feed>({
    venueId: 'V',
    market,
    channelName: (k) => `${k.kind}:${k.symbol}`,
    poolOf: () => pool,
    newBook: () => ({ synced: false }),
    resetBook: (b) => void (b.synced = false),
    bookInSync: (b) => b.synced,
  });
  const want = (kind: MarketStreamKey['kind'], symbol: string) =>
    table.subscribe({ kind, symbol }, () => ({ ref: { instrumentId: `V:${symbol}`, venue: 'V', symbol }, book: undefined, ticker: undefined, klines: new Map() }));
  return { pool, table, statuses, logs, confirmations, want };
}

describe('kit ChannelPool → FeedTable: a refused channel taken back', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  test('reports the symbol DOWN once per outage and UP on the confirmation, through the pool\'s onConfirmed', () => {
    const w = world();
    w.want('trade', 'BTC');
    w.pool.refused('trade:BTC', '60014 Requests too frequent');
    mock.timers.tick(8000);
    w.pool.refused('trade:BTC', '60014 Requests too frequent');
    assert.deepEqual(w.statuses, ['DOWN BTC (subscription refused: 60014 Requests too frequent)']);
    mock.timers.tick(8000);
    w.pool.confirmed('trade:BTC');
    assert.deepEqual(w.statuses, ['DOWN BTC (subscription refused: 60014 Requests too frequent)', 'UP BTC']);
    assert.deepEqual(w.confirmations, ['trade:BTC']);
    assert.deepEqual(w.logs.filter((l) => /refused/.test(l)), [
      'warn V public: the venue refused a channel; subscribing again with back-off while it is wanted',
      'info V public: a refused channel is subscribed again',
    ]);
    w.pool.confirmed('trade:BTC');
    assert.equal(w.logs.filter((l) => /subscribed again/.test(l)).length, 1, 'a later confirmation is no recovery');
    w.pool.close();
  });

  test('a symbol with a book comes back UP only when the book is in sync, and not while another channel is refused', () => {
    const w = world();
    w.want('orderbook', 'ETH');
    w.want('trade', 'ETH');
    w.want('ticker', 'ETH');
    const feed = w.table.feed('ETH')!;
    feed.book!.synced = true;
    w.table.bookSynced(feed);
    w.pool.refused('trade:ETH', 'refused');
    w.pool.refused('ticker:ETH', 'refused');
    w.pool.confirmed('trade:ETH');
    assert.ok(w.table.status.isDown('ETH'), 'the ticker is still refused');
    w.pool.refused('orderbook:ETH', 'refused');
    assert.equal(feed.book!.synced, false, 'a refused book channel resets its book');
    w.pool.confirmed('ticker:ETH');
    w.pool.confirmed('orderbook:ETH');
    assert.ok(w.table.status.isDown('ETH'), 'the book is not in sync yet');
    feed.book!.synced = true;
    w.table.bookSynced(feed);
    assert.deepEqual(w.statuses, ['DOWN ETH (subscription refused: refused)', 'UP ETH']);
    w.pool.close();
  });

  test('a refusal or confirmation of a channel no longer wanted changes nothing, and its retry is dropped', () => {
    const w = world();
    w.want('trade', 'SOL');
    w.want('ticker', 'SOL');
    w.pool.refused('trade:SOL', 'refused');
    w.table.unsubscribe({ kind: 'trade', symbol: 'SOL' });
    assert.deepEqual(w.statuses, ['DOWN SOL (subscription refused: refused)', 'UP SOL'], 'letting go of the refused channel ends the outage');
    w.pool.refused('trade:SOL', 'late refusal');
    w.pool.confirmed('trade:SOL');
    mock.timers.tick(60_000);
    assert.deepEqual(w.confirmations, []);
    assert.equal(w.statuses.length, 2);
    w.pool.close();
  });
});
