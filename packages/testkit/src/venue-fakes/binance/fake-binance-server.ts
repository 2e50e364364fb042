/**
 * @module venue-fakes/binance/fake-binance-server
 * A local Binance-compatible server for tests: the spot REST endpoints (orders and order lists included), the combined
 * market stream and the WebSocket API user data stream that the connector uses, on 127.0.0.1 (port 0), one port for
 * all three. This module is the transport — routing, request weight, failures and delivery faults — over the book
 * state (fake-books.ts), the trading state (fake-trading.ts, fake-order-lists.ts), the API keys and their signature
 * checks (fake-api-keys.ts) and the WebSocket API's user data stream (fake-user-data-stream.ts).
 * Payload shapes come from the docs' examples (./fixtures); behaviour follows the docs: signed requests are
 * verified (HMAC-SHA256 or Ed25519, `timestamp` within `recvWindow` of the server clock else -1021), usage
 * headers are sent, 429/418 answers carry Retry-After, depth diffs carry U/u, the stream pings and accepts
 * live SUBSCRIBE/UNSUBSCRIBE, and knobs inject the faults the connector must survive (dropped, duplicated and
 * reordered depth events, disconnects, rate limits, bans, rejected orders). `fillResting` and `cancelResting` change
 * orders on Binance's side, reported only to whoever is subscribed then — nobody while Cadenza is down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { fixture, fixtureObject } from './fixtures.ts';
import { FakeMarketStream } from './fake-market-stream.ts';
import { BinanceRefusal, accountPosition, executionReport, type FakeAccount, type FakeSymbol, type Ids } from './fake-account.ts';
import { FakeBooks } from './fake-books.ts';
import { FakeTrading } from './fake-trading.ts';
import { FakeApiKeys, type FakeKey } from './fake-api-keys.ts';
import { FakeUserDataStream } from './fake-user-data-stream.ts';

export type { FakeKey };

export interface FakeBinanceOptions {
  symbols?: Array<Partial<FakeSymbol> & { symbol: string; base: string; quote: string }>;
  keys?: Record<string, FakeKey>;
  /** Server clock = local clock + skew (to provoke -1021). */
  clockSkewMs?: number;
  pingIntervalMs?: number;
}

type Failure = { status: 429 | 418 | 500 | 503; retryAfterSeconds?: number; body?: unknown };

export class FakeBinanceServer {
  restBaseUrl = '';
  wsBaseUrl = '';
  wsApiUrl = '';
  /** Every REST request received, in order. */
  readonly requests: Array<{ method: string; path: string; params: URLSearchParams; apiKey: string | undefined }> = [];
  readonly symbols = new Map<string, FakeSymbol>();
  clockSkewMs: number;
  /** Delay applied to /api/v3/depth answers. */
  snapshotDelayMs = 0;
  /** The next this-many snapshots report a `lastUpdateId` behind the stream (REST lagging the stream). */
  staleSnapshots = 0;
  private readonly keys = new FakeApiKeys(() => this.serverTime());
  private readonly books: FakeBooks;
  private readonly trading: FakeTrading;
  private readonly market: FakeMarketStream;
  private readonly userStream = new FakeUserDataStream(this.keys);
  private readonly failures: Array<{ path?: string; failure: Failure }> = [];
  private depthFaults: Array<'drop' | 'duplicate' | 'hold'> = [];
  private heldDepth: { symbol: string; event: Record<string, unknown> } | undefined;
  private weight = 0;
  private weightMinute = 0;
  private nextOrderId = 1000;
  private nextTradeId = 5000;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(options: FakeBinanceOptions = {}) {
    this.clockSkewMs = options.clockSkewMs ?? 0;
    for (const s of options.symbols ?? [{ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', minQty: '0.00001', minNotional: '5' }]) {
      this.symbols.set(s.symbol, { tickSize: '0.01', stepSize: '0.00001', minQty: '0.00001', minNotional: '5', ...s });
    }
    this.books = new FakeBooks(this.symbols.keys());
    this.trading = new FakeTrading(this.symbols, this.ids(), (symbol) => this.books.top(symbol), (apiKey, ev) => this.userStream.emit(apiKey, ev));
    for (const [apiKey, k] of Object.entries(options.keys ?? {})) {
      this.keys.add(apiKey, k);
      this.trading.openAccount(apiKey, k.balances ?? { USDT: '100000', BTC: '1' });
    }
    this.http = createServer((req, res) => void this.onHttp(req, res));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.market = new FakeMarketStream(options.pingIntervalMs ?? 20_000);
  }

  /** Listens on 127.0.0.1 (`port` 0 = ephemeral, as tests use). */
  async listen(requestedPort = 0): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(requestedPort, '127.0.0.1', resolve));
    const { port } = this.http.address() as AddressInfo;
    this.restBaseUrl = `http://127.0.0.1:${port}`;
    this.wsBaseUrl = `ws://127.0.0.1:${port}`;
    this.wsApiUrl = `ws://127.0.0.1:${port}/ws-api/v3`;
    return this;
  }

  async close(): Promise<void> {
    this.market.close();
    this.userStream.terminateAll();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
  }

  serverTime(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** Each API key's account (balances, orders). */
  get accounts(): ReadonlyMap<string, FakeAccount> {
    return this.trading.accounts;
  }

  // ---- market state and pushes

  /** Replaces a book (no event is sent; the next snapshot reflects it). */
  setBook(symbol: string, book: { bids: Array<[string, string]>; asks: Array<[string, string]> }): void {
    this.books.set(symbol, book);
  }

  /** Applies a diff and streams it as a `depthUpdate` (subject to the depth fault queue). Returns the event. */
  pushDepth(symbol: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): Record<string, unknown> {
    const event = { e: 'depthUpdate', E: this.serverTime(), s: symbol, ...this.books.apply(symbol, diff) };
    const fault = this.depthFaults.shift();
    const lower = symbol.toLowerCase();
    const send = (ev: Record<string, unknown>) => {
      this.broadcast(`${lower}@depth@100ms`, ev);
      this.broadcast(`${lower}@depth`, ev);
    };
    if (fault === 'drop') return event;
    if (fault === 'hold') {
      this.heldDepth = { symbol, event };
      return event;
    }
    send(event);
    if (fault === 'duplicate') send(event);
    if (this.heldDepth && this.heldDepth.symbol === symbol && this.heldDepth.event !== event) {
      send(this.heldDepth.event);
      this.heldDepth = undefined;
    }
    return event;
  }

  pushTrade(symbol: string, trade: { price: string; qty: string; buyerMaker: boolean; id?: number }): void {
    const now = this.serverTime();
    this.broadcast(`${symbol.toLowerCase()}@trade`, { ...fixtureObject('trade'), E: now, s: symbol, t: trade.id ?? this.nextTradeId++, p: trade.price, q: trade.qty, T: now, m: trade.buyerMaker });
  }

  pushTicker(symbol: string, fields: Record<string, string> = {}): void {
    this.broadcast(`${symbol.toLowerCase()}@ticker`, { ...fixtureObject('ticker'), E: this.serverTime(), s: symbol, ...fields });
  }

  pushKline(symbol: string, interval: string, k: Record<string, unknown>): void {
    const tpl = fixtureObject('kline');
    this.broadcast(`${symbol.toLowerCase()}@kline_${interval}`, { ...tpl, E: this.serverTime(), s: symbol, k: { ...(tpl.k as object), s: symbol, i: interval, ...k } });
  }

  // ---- fault knobs

  /** The next depth events are dropped / sent twice / held back and sent after the following one. */
  queueDepthFaults(...faults: Array<'drop' | 'duplicate' | 'hold'>): void {
    this.depthFaults.push(...faults);
  }

  /** The next REST request (optionally only for `path`) fails with this status. */
  failNext(failure: Failure, path?: string): void {
    this.failures.push({ ...(path ? { path } : {}), failure });
  }

  /** The next new order or order list is refused with this `{code,msg}` (-2010 by default). */
  rejectNextOrder(code = -2010, msg = 'Account has insufficient balance for requested action.'): void {
    this.trading.rejectNextOrder(code, msg);
  }

  /** The next `count` live SUBSCRIBE messages on the market stream are refused with an error answer naming their id. */
  refuseSubscribes(count: number): void {
    this.market.refuseSubscribes(count);
  }

  get refusedSubscribes(): number {
    return this.market.refusedSubscribes;
  }

  /** Drops every market stream socket (the connector must reconnect and resync). */
  disconnectStreams(): void {
    this.market.disconnectAll();
  }

  /** Sends `serverShutdown` on every market socket. */
  announceShutdown(): void {
    this.market.announceShutdown();
  }

  disconnectUserStreams(): void {
    this.userStream.terminateAll();
  }

  /** Streams currently subscribed across all market sockets. */
  subscribedStreams(): string[] {
    return this.market.subscribedStreams();
  }

  /** Market stream sockets accepted so far (rotations and reconnects count). */
  get streamConnectionsOpened(): number {
    return this.market.opened;
  }

  /** Live user data subscriptions of an API key across WebSocket API connections. */
  userSubscriptionCount(apiKey: string): number {
    return this.userStream.subscriptionCount(apiKey);
  }

  streamConnectionCount(): number {
    return this.market.connectionCount();
  }

  pongsReceived(): number {
    return this.market.pongs();
  }

  /** Fills (part of) a resting order as the maker, at its limit price (an order list's stop leg: at its trigger). */
  fillResting(apiKey: string, clientOrderId: string, qty?: string): void {
    this.trading.fillResting(apiKey, clientOrderId, qty);
  }

  /**
   * Cancels a resting order on Binance's side — as the account owner would in Binance's own app, or as happens
   * "while Cadenza is down": the reports go to whoever is subscribed at that moment (nobody, if Cadenza is stopped).
   */
  cancelResting(apiKey: string, clientOrderId: string): void {
    this.trading.cancelResting(apiKey, clientOrderId);
  }

  // ---- internals

  private ids(): Ids {
    return { nextOrderId: () => this.nextOrderId++, nextTradeId: () => this.nextTradeId++, now: () => this.serverTime() };
  }

  private broadcast(stream: string, data: unknown): void {
    this.market.broadcast(stream, data);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-mbx-used-weight': String(this.weight), 'x-mbx-used-weight-1m': String(this.weight), ...headers });
    res.end(JSON.stringify(body));
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const apiKey = typeof req.headers['x-mbx-apikey'] === 'string' ? req.headers['x-mbx-apikey'] : undefined;
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, params: url.searchParams, apiKey });
    // Like Binance, request weight is counted per server-time minute.
    const minute = Math.floor(this.serverTime() / 60_000);
    if (minute !== this.weightMinute) {
      this.weightMinute = minute;
      this.weight = 0;
    }
    const failIdx = this.failures.findIndex((f) => !f.path || f.path === url.pathname);
    if (failIdx >= 0) {
      const { failure } = this.failures.splice(failIdx, 1)[0]!;
      const body = failure.body ?? (failure.status === 429 ? fixture('error-too-many-requests') : failure.status === 418 ? { code: -1003, msg: 'Way too much request weight used; IP banned until 1700000000000. Please use WebSocket Streams for live updates to avoid bans.' } : {});
      return this.send(res, failure.status, body, failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {});
    }
    try {
      const route = `${method} ${url.pathname}`;
      switch (route) {
        case 'GET /api/v3/ping':
          this.weight += 1;
          return this.send(res, 200, {});
        case 'GET /api/v3/time':
          this.weight += 1;
          return this.send(res, 200, { serverTime: this.serverTime() });
        case 'GET /api/v3/exchangeInfo':
          this.weight += 20;
          return this.send(res, 200, this.exchangeInfo());
        case 'GET /api/v3/depth':
          return await this.depth(url.searchParams, res);
        case 'GET /api/v3/klines':
          return this.klines(url.searchParams, res);
        default:
          if (FakeTrading.serves(method, url.pathname)) return this.signed(method, url, apiKey, res);
          return this.send(res, 404, { code: -1000, msg: `fake Binance does not serve ${route}` });
      }
    } catch (err) {
      if (err instanceof BinanceRefusal) return this.send(res, err.httpStatus, { code: err.code, msg: err.message });
      return this.send(res, 500, { code: -1000, msg: err instanceof Error ? err.message : String(err) });
    }
  }

  private exchangeInfo(): unknown {
    const info = fixtureObject('exchange-info');
    const template = (info.symbols as Array<Record<string, unknown>>)[0]!;
    info.serverTime = this.serverTime();
    info.symbols = [...this.symbols.values()].map((s) => ({
      ...template,
      symbol: s.symbol,
      baseAsset: s.base,
      quoteAsset: s.quote,
      filters: (template.filters as Array<Record<string, unknown>>).map((f) => {
        switch (f.filterType) {
          case 'PRICE_FILTER':
            return { ...f, tickSize: s.tickSize, minPrice: s.tickSize, maxPrice: '1000000.00000000' };
          case 'LOT_SIZE':
          case 'MARKET_LOT_SIZE':
            return { ...f, stepSize: s.stepSize, minQty: s.minQty, maxQty: '9000.00000000' };
          case 'NOTIONAL':
            return { ...f, minNotional: s.minNotional, maxNotional: '9000000.00000000' };
          default:
            return f;
        }
      }),
    }));
    return info;
  }

  private async depth(params: URLSearchParams, res: ServerResponse): Promise<void> {
    const symbol = params.get('symbol') ?? '';
    if (!this.symbols.has(symbol)) throw new BinanceRefusal(400, -1121, 'Invalid symbol.');
    const limit = Math.min(5000, Number(params.get('limit') ?? 100));
    this.weight += limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    if (this.snapshotDelayMs > 0) await new Promise((r) => setTimeout(r, this.snapshotDelayMs));
    const behind = this.staleSnapshots > 0 ? (this.staleSnapshots--, 1000) : 0;
    return this.send(res, 200, this.books.snapshot(symbol, limit, behind));
  }

  private klines(params: URLSearchParams, res: ServerResponse): void {
    const symbol = params.get('symbol') ?? '';
    if (!this.symbols.has(symbol)) throw new BinanceRefusal(400, -1121, 'Invalid symbol.');
    if (!params.get('interval')) throw new BinanceRefusal(400, -1120, 'Invalid interval.');
    this.weight += 2;
    const row = (fixture('klines') as unknown[][])[0]!;
    const limit = Math.min(1000, Number(params.get('limit') ?? 500));
    const rows = Array.from({ length: Math.min(limit, 3) }, (_, i) => [1499040000000 + i * 60_000, ...row.slice(1, 6), 1499040000000 + i * 60_000 + 59_999, ...row.slice(7)]);
    return this.send(res, 200, rows);
  }

  private verifySignature(apiKey: string | undefined, url: URL): string {
    if (!apiKey) throw new BinanceRefusal(401, -2014, 'API-key format invalid.');
    if (!this.keys.has(apiKey)) throw new BinanceRefusal(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    const raw = url.search.slice(1);
    const idx = raw.lastIndexOf('&signature=');
    if (idx < 0) throw new BinanceRefusal(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const signature = decodeURIComponent(raw.slice(idx + '&signature='.length));
    if (!this.keys.signs(apiKey, raw.slice(0, idx), signature, true)) throw new BinanceRefusal(400, -1022, 'Signature for this request is not valid.');
    this.keys.checkTimestamp(url.searchParams);
    return apiKey;
  }

  private signed(method: string, url: URL, apiKeyHeader: string | undefined, res: ServerResponse): void {
    const apiKey = this.verifySignature(apiKeyHeader, url);
    const answer = this.trading.answer(method, url.pathname, url.searchParams, apiKey);
    this.weight += answer.weight;
    return this.send(res, 200, answer.body, answer.headers);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/stream' || url.pathname.startsWith('/ws/')) {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.market.accept(ws, url));
    } else if (url.pathname === '/ws-api/v3') {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.userStream.accept(ws));
    } else socket.destroy();
  }
}

/** Starts a fake Binance on 127.0.0.1:0. Close it with `close()` (tests: in `after`). */
export async function startFakeBinanceServer(options: FakeBinanceOptions = {}): Promise<FakeBinanceServer> {
  return new FakeBinanceServer(options).listen();
}

export { accountPosition, executionReport };
