/**
 * @module venue-fakes/hyperliquid/fake-hyperliquid-server
 * A local server speaking Hyperliquid's documented formats (see fixtures/SOURCES.md): `POST /info` and
 * `POST /exchange` (JSON bodies), and the WebSocket at `/ws` with `subscribe` / `unsubscribe` / `ping`
 * (`subscriptionResponse`, `pong`, `error`, and the data channels `l2Book`, `trades`, `candle`, `activeAssetCtx`,
 * `orderUpdates`, `userFills`). On subscribing, `l2Book` sends the current book at once and `userFills` a snapshot of
 * the account's fills (`isSnapshot: true`), as Hyperliquid does.
 *
 * Faults for tests: `dropSockets` (every WebSocket cut), `restart` (sockets cut and subscriptions forgotten, state
 * kept), `queue429(n)` (the next n REST requests answered 429), `queueStaleBook(coin)` (a snapshot older than the last
 * one sent), `silenceBookStream(coin)` (no `l2Book` messages for it). `calls` records every REST request (bodies; signatures as sent).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeLocal, listenLocal } from '../shared/local-server.ts';
import type { FakeBook } from '../shared/fake-book.ts';
import { FakeMarket, type FakePerp, type FakeSpotPair, type Side } from './fake-market.ts';
import { FakeTrading, type FakeHyperliquidAccount } from './fake-trading.ts';

export interface FakeHyperliquidOptions {
  perps?: FakePerp[];
  spot?: FakeSpotPair[];
  /** Accounts by master address (lower case). */
  accounts?: Record<string, FakeHyperliquidAccount>;
  /** The phantom agent source this "network" expects: "a" mainnet (default), "b" testnet. */
  source?: 'a' | 'b';
}

const DEFAULT_PERPS: FakePerp[] = [
  { name: 'BTC', szDecimals: 5, maxLeverage: 40, markPx: '64000' },
  { name: 'ETH', szDecimals: 4, maxLeverage: 25, markPx: '3200' },
];
const DEFAULT_SPOT: FakeSpotPair[] = [{ base: 'PURR', quote: 'USDC', szDecimals: 0, markPx: '0.2' }];
const INTERVAL_MS: Record<string, number> = { '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000, '8h': 28_800_000, '12h': 43_200_000, '1d': 86_400_000 };

interface Client {
  ws: WebSocket;
  subs: Map<string, Record<string, unknown>>;
}

export class FakeHyperliquidServer {
  readonly market: FakeMarket;
  readonly trading: FakeTrading;
  readonly calls: Array<{ path: string; body: Record<string, unknown> }> = [];
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly pending429: Array<(path: string, body: Record<string, unknown>) => boolean> = [];
  private readonly staleBooks = new Set<string>();
  private readonly silentBooks = new Set<string>();
  restBaseUrl = '';
  wsBaseUrl = '';

  constructor(options: FakeHyperliquidOptions = {}) {
    this.market = new FakeMarket(options.perps ?? DEFAULT_PERPS, options.spot ?? DEFAULT_SPOT);
    const accounts = new Map(Object.entries(options.accounts ?? {}).map(([k, v]) => [k.toLowerCase(), { ...v, agents: v.agents.map((a) => a.toLowerCase()) }]));
    this.trading = new FakeTrading(this.market, accounts, options.source ?? 'a', (user, channel, data) => this.toUser(user, channel, data));
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.http, path: '/ws' });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  async listen(port = 0): Promise<void> {
    const urls = await listenLocal(this.http, port);
    this.restBaseUrl = urls.restBaseUrl;
    this.wsBaseUrl = `${urls.wsBaseUrl}/ws`;
  }

  async close(): Promise<void> {
    await closeLocal(this.http, this.wss, [...this.clients].map((c) => c.ws));
  }

  /** Subscribe frames answered with an error so far (`refuseSubscribes`, `subscriptionLimit`). */
  refusedSubscribes = 0;
  private refusals = 0;
  /**
   * Subscriptions held across every socket (Hyperliquid: 1000 per IP). A subscribe beyond it is answered with an error
   * that names no subscription, `{"channel":"error","data":"Cannot subscribe to more than N channels."}`.
   */
  subscriptionLimit = Number.POSITIVE_INFINITY;

  /**
   * Answers the next `count` subscribe frames with an `error` naming the subscription, as Hyperliquid refuses one
   * (`{"channel":"error","data":"Invalid subscription {…}"}`), and subscribes none of them.
   */
  refuseSubscribes(count: number): void {
    this.refusals += count;
  }

  socketCount(): number {
    return this.clients.size;
  }

  /** Subscriptions open now, as `<type>:<coin or user>[:<interval>]`. */
  subscriptions(): string[] {
    return [...this.clients].flatMap((c) => [...c.subs.keys()]);
  }

  book(coin: string): FakeBook {
    return this.market.book(coin);
  }

  /** Replaces a coin's book (sent to subscribers as a snapshot). */
  setBook(coin: string, book: { bids: Side; asks: Side }): void {
    this.market.book(coin).replace(book.bids, book.asks);
    this.broadcastBook(coin);
  }

  /** Changes levels ("0" removes one) and sends the new whole book. */
  pushBook(coin: string, change: { bids?: Side; asks?: Side }): void {
    const b = this.market.book(coin);
    for (const [p, q] of change.bids ?? []) b.set('bid', p, q);
    for (const [p, q] of change.asks ?? []) b.set('ask', p, q);
    this.broadcastBook(coin);
  }

  /** The next book snapshot of `coin` goes out with a time older than the last one sent, then the true one. */
  queueStaleBook(coin: string): void {
    this.staleBooks.add(coin);
  }

  /** The stream sends no `l2Book` messages for `coin` (not even on subscribing) until called with `false`. */
  silenceBookStream(coin: string, silent = true): void {
    if (silent) this.silentBooks.add(coin);
    else this.silentBooks.delete(coin);
  }

  pushTrade(coin: string, t: { px: string; sz: string; side: 'B' | 'A' }): void {
    const trade = { coin, side: t.side, px: t.px, sz: t.sz, hash: '0x' + '0'.repeat(64), time: Date.now(), tid: this.market.nextTid(), users: ['0x' + '1'.repeat(40), '0x' + '2'.repeat(40)] };
    this.broadcast(`trades:${coin}`, 'trades', [trade]);
  }

  pushCandle(coin: string, interval: string, bar: { t: number; o: string; h: string; l: string; c: string; v: string }): void {
    const candle = this.market.putCandle(coin, interval, INTERVAL_MS[interval] ?? 60_000, bar);
    this.broadcast(`candle:${coin}:${interval}`, 'candle', candle);
  }

  pushAssetCtx(coin: string, ctx: Record<string, string>): void {
    this.broadcast(`activeAssetCtx:${coin}`, this.market.isSpot(coin) ? 'activeSpotAssetCtx' : 'activeAssetCtx', { coin, ctx });
  }

  fillResting(user: string, oid: number, size?: string): void {
    this.trading.fillResting(user.toLowerCase(), oid, size);
  }

  dropSockets(): void {
    for (const c of this.clients) c.ws.terminate();
  }

  /** A restart of the venue: every socket cut (subscriptions gone with them); books, orders and fills kept. */
  restart(): void {
    this.dropSockets();
  }

  /** The next `n` REST requests (of those `match` accepts: all by default) are answered 429. */
  queue429(n: number, match: (path: string, body: Record<string, unknown>) => boolean = () => true): void {
    for (let i = 0; i < n; i++) this.pending429.push(match);
  }

  private broadcastBook(coin: string): void {
    if (this.silentBooks.has(coin)) return;
    if (this.staleBooks.delete(coin)) this.broadcast(`l2Book:${coin}`, 'l2Book', this.market.l2Book(coin, 1));
    this.broadcast(`l2Book:${coin}`, 'l2Book', this.market.l2Book(coin));
  }

  private broadcast(key: string, channel: string, data: unknown): void {
    const frame = JSON.stringify({ channel, data });
    for (const c of this.clients) if (c.subs.has(key)) c.ws.send(frame);
  }

  private toUser(user: string, channel: 'orderUpdates' | 'userFills', data: unknown): void {
    this.broadcast(`${channel}:${user}`, channel, data);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return send(422, 'Failed to deserialize the JSON body into the target type');
    }
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== '/info' && path !== '/exchange')) return send(404, 'Not Found');
    this.calls.push({ path: path!, body });
    const limited = this.pending429.findIndex((m) => m(path!, body));
    if (limited >= 0) {
      this.pending429.splice(limited, 1);
      res.writeHead(429, { 'content-type': 'application/json' });
      return void res.end('null');
    }
    if (path === '/exchange') return send(200, this.trading.exchange(body));
    const answer = this.info(body);
    return answer === undefined ? send(422, 'Failed to deserialize the JSON body into the target type') : send(200, answer);
  }

  private info(body: Record<string, unknown>): unknown {
    switch (body.type) {
      case 'meta':
        return this.market.meta();
      case 'metaAndAssetCtxs':
        return this.market.metaAndAssetCtxs();
      case 'spotMeta':
        return this.market.spotMeta();
      case 'spotMetaAndAssetCtxs':
        return this.market.spotMetaAndAssetCtxs();
      case 'l2Book':
        return typeof body.coin === 'string' && this.market.assetOf(body.coin) !== undefined ? this.market.l2Book(body.coin) : null;
      case 'candleSnapshot': {
        const r = (body.req ?? {}) as { coin?: string; interval?: string; startTime?: number; endTime?: number };
        return this.market.candleSnapshot(String(r.coin), String(r.interval), INTERVAL_MS[String(r.interval)] ?? 60_000, r.startTime ?? 0, r.endTime ?? Date.now());
      }
      default:
        return this.trading.info(body);
    }
  }

  private onConnection(ws: WebSocket): void {
    const client: Client = { ws, subs: new Map() };
    this.clients.add(client);
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => undefined);
    ws.on('message', (raw) => {
      let msg: { method?: unknown; subscription?: Record<string, unknown> };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        return void ws.send(JSON.stringify({ channel: 'error', data: `Invalid message: ${String(raw).slice(0, 100)}` }));
      }
      if (msg.method === 'ping') return void ws.send(JSON.stringify({ channel: 'pong' }));
      const sub = msg.subscription;
      if ((msg.method !== 'subscribe' && msg.method !== 'unsubscribe') || typeof sub !== 'object' || sub === null) {
        return void ws.send(JSON.stringify({ channel: 'error', data: `Invalid subscription ${JSON.stringify(msg).slice(0, 100)}` }));
      }
      const key = [sub.type, typeof sub.user === 'string' ? sub.user.toLowerCase() : sub.coin, sub.interval].filter((x) => x !== undefined).join(':');
      if (msg.method === 'unsubscribe') {
        client.subs.delete(key);
        return void ws.send(JSON.stringify({ channel: 'subscriptionResponse', data: { method: 'unsubscribe', subscription: sub } }));
      }
      if (this.refusals > 0) {
        this.refusals--;
        this.refusedSubscribes++;
        return void ws.send(JSON.stringify({ channel: 'error', data: `Invalid subscription ${JSON.stringify(sub)}` }));
      }
      if (!client.subs.has(key) && this.subscriptions().length >= this.subscriptionLimit) {
        this.refusedSubscribes++;
        return void ws.send(JSON.stringify({ channel: 'error', data: `Cannot subscribe to more than ${this.subscriptionLimit} channels.` }));
      }
      client.subs.set(key, sub);
      ws.send(JSON.stringify({ channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: sub } }));
      if (sub.type === 'l2Book' && typeof sub.coin === 'string' && this.market.books.has(sub.coin) && !this.silentBooks.has(sub.coin)) ws.send(JSON.stringify({ channel: 'l2Book', data: this.market.l2Book(sub.coin) }));
      if (sub.type === 'userFills' && typeof sub.user === 'string') {
        const user = sub.user.toLowerCase();
        ws.send(JSON.stringify({ channel: 'userFills', data: { isSnapshot: true, user, fills: (this.trading.fills.get(user) ?? []).slice(-2000) } }));
      }
    });
  }
}

export async function startFakeHyperliquidServer(options: FakeHyperliquidOptions = {}): Promise<FakeHyperliquidServer> {
  const fake = new FakeHyperliquidServer(options);
  await fake.listen();
  return fake;
}
