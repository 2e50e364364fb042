/**
 * @module venue-fakes/deribit/fake-deribit-server
 * A local Deribit API v2 server for tests, on 127.0.0.1 (one port for HTTP and the WebSocket), speaking the documented
 * JSON-RPC 2.0 formats (fixtures/, SOURCES.md):
 *  - HTTP `GET /api/v2/<method>?<params>`: `public/get_instruments`, `public/get_tradingview_chart_data`,
 *    `public/get_time`.
 *  - WebSocket `/ws/api/v2`: `public/auth` (client_credentials, and client_signature checked as Deribit does:
 *    hex HMAC-SHA256 of `timestamp\nnonce\ndata` with the client secret, the timestamp within 60 s),
 *    `public/set_heartbeat` / `public/test`, `public|private/subscribe|unsubscribe`, `private/buy|sell|cancel`,
 *    `private/get_order_state`, `get_order_state_by_label`, `get_user_trades_by_order`, `get_account_summaries`,
 *    `get_positions`. Private methods on a connection that has not authenticated answer 13009 unauthorized.
 *  - Channels: `book.<instrument>.100ms` (a snapshot on every subscribe, then changes chained by
 *    `change_id`/`prev_change_id`, ids growing by uneven steps), `trades.…`, `ticker.…`, `chart.trades.…`;
 *    `user.changes.<kind>.<currency>.<interval>` (orders, trades and positions of each change) and
 *    `user.portfolio.<currency>` for the authenticated account.
 *  - Deribit's credit limits, per client id (per IP before auth): non-matching-engine requests cost 500 of a
 *    50,000 pool refilled at 10,000/s; matching-engine requests (buy, sell, cancel…) 1 of a pool of 20 refilled at
 *    5/s. A request that finds its pool short is answered 10028 too_many_requests and counted in `rateLimitAnswers`.
 *  - Knobs inject what a connector must survive: dropped / duplicated book changes, dropped sockets, a restart (down:
 *    sockets cut and refused, then back), answers lost with their socket, heartbeat test requests, forced 10028
 *    answers, refused orders, and fills and cancels made on Deribit's side.
 *
 * This file is the transport (HTTP, WebSocket, subscriptions, credits, faults); the market's books are in
 * fake-deribit-market.ts, the accounts' orders and fills in fake-deribit-trading.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHmac } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeBook } from '../shared/fake-book.ts';
import { closeLocal, listenLocal } from '../shared/local-server.ts';
import { FakeDeribitAccount } from './fake-deribit-account.ts';
import { FakeDeribitMarket, type TradeIds } from './fake-deribit-market.ts';
import { FakeDeribitTrading } from './fake-deribit-trading.ts';
import { ERR, Refusal, equalText, stringList, type FakeDeribitInstrument, type Instrument, type RpcError } from './fake-deribit-protocol.ts';

export type { FakeDeribitInstrument } from './fake-deribit-protocol.ts';

export interface FakeDeribitOptions {
  instruments?: FakeDeribitInstrument[];
  keys?: Record<string, { secret: string; balances?: Record<string, string> }>;
}

type Conn = { ws: WebSocket; channels: Set<string>; clientId?: string; heartbeat?: number };

const MATCHING = new Set(['private/buy', 'private/sell', 'private/cancel', 'private/edit', 'private/cancel_all']);
const POOLS = { matching: { capacity: 20, refill: 5, cost: 1 }, other: { capacity: 50_000, refill: 10_000, cost: 500 } };

export class FakeDeribitServer {
  restBaseUrl = '';
  wsBaseUrl = '';
  /** Every JSON-RPC call received (HTTP and WebSocket), in order. */
  readonly calls: Array<{ method: string; params: Record<string, unknown>; clientId?: string; transport: 'http' | 'ws' }> = [];
  /** 10028 answers given because a pool was short (or forced with `limitNext`). */
  rateLimitAnswers = 0;
  /** `public/test` calls received (answers to heartbeat test requests, and plain tests). */
  testCalls = 0;
  /** Connections and requests refused while down. */
  refusedWhileDown = 0;
  /** `public/subscribe` calls refused so far (`refuseSubscribes`). */
  refusedSubscribes = 0;
  private subscribeRefusals = 0;
  readonly market: FakeDeribitMarket;
  readonly trading: FakeDeribitTrading;
  private readonly ids: TradeIds = { nextTradeId: 300_000_000, nextTradeSeq: 1 };
  private readonly conns = new Set<Conn>();
  private readonly pools = new Map<string, { credits: number; at: number }>();
  private readonly httpFailures: number[] = [];
  private forcedLimits = 0;
  /** Down for maintenance (`goDown`): sockets cut, new ones and HTTP answered 503 until `comeBack`. */
  private down = false;
  private readonly swallowed = new Set<string>();
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(options: FakeDeribitOptions = {}) {
    this.market = new FakeDeribitMarket(this.ids, (channel, data) => this.notify(channel, data));
    this.trading = new FakeDeribitTrading(this.market, this.ids, (clientId, channel, data) => this.notify(channel, data, (c) => c.clientId === clientId));
    for (const i of options.instruments ?? [{ name: 'BTC-PERPETUAL' }]) this.addInstrument(i);
    for (const [k, v] of Object.entries(options.keys ?? {})) this.accounts.set(k, new FakeDeribitAccount(k, v.secret, v.balances ?? { BTC: '1', ETH: '10', USDC: '100000' }));
    this.http = createServer((req, res) => void this.onHttp(req, res));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  get instruments(): Map<string, Instrument> {
    return this.market.instruments;
  }

  get books(): Map<string, FakeBook> {
    return this.market.books;
  }

  /** Every state each book has been in, in contracts (top 20 per side, normalised): what a client may show. */
  get truths(): Map<string, Set<string>> {
    return this.market.truths;
  }

  get accounts(): Map<string, FakeDeribitAccount> {
    return this.trading.accounts;
  }

  async listen(port = 0): Promise<this> {
    Object.assign(this, await listenLocal(this.http, port));
    return this;
  }

  async close(): Promise<void> {
    await closeLocal(this.http, this.wss, [...this.conns].map((c) => c.ws));
  }

  addInstrument(i: FakeDeribitInstrument): void {
    this.market.addInstrument(i);
  }

  // ---- market knobs (fake-deribit-market.ts)

  /** Replaces a book (as one change notification). Amounts in Deribit's units. */
  setBook(name: string, book: { bids: Array<[string, string]>; asks: Array<[string, string]> }): void {
    this.market.setBook(name, book);
  }

  /** Applies level changes (amount "0" deletes) and notifies them as one `change`, subject to the fault queue. */
  pushBook(name: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): void {
    this.market.pushBook(name, diff);
  }

  /** The next book changes are lost / sent twice. */
  queueBookFaults(...faults: Array<'drop' | 'duplicate'>): void {
    this.market.queueBookFaults(...faults);
  }

  pushTrade(name: string, t: { price: string; amount: string; direction: 'buy' | 'sell' }): void {
    this.market.pushTrade(name, t);
  }

  /** A ticker from the documented example, with the book's best levels and the given prices. */
  pushTicker(name: string, t: { last: string; mark: string; index: string; funding?: string; markIv?: string; greeks?: Record<string, number> }): void {
    this.market.pushTicker(name, t);
  }

  pushChartBar(name: string, resolution: string, bar: { tick: number; open: string; high: string; low: string; close: string; volume: string }): void {
    this.market.pushChartBar(name, resolution, bar);
  }

  book(name: string): FakeBook {
    return this.market.book(name);
  }

  // ---- fault knobs

  /** The next HTTP request answers this status (a 5xx, as a gateway in trouble would). */
  failNextHttp(status: number): void {
    this.httpFailures.push(status);
  }

  /** The next `n` requests (any transport) are answered 10028 too_many_requests. */
  limitNext(n = 1): void {
    this.forcedLimits += n;
  }

  /** The next buy or sell is refused with this error (default 10009 not_enough_funds). */
  /** The next `count` `public/subscribe` calls are refused with 10028 too_many_requests (nothing subscribed). */
  refuseSubscribes(count: number): void {
    this.subscribeRefusals += count;
  }

  refuseNextOrder(code = 10009, message = 'not_enough_funds'): void {
    this.trading.refuseNextOrder({ code, message });
  }

  /** Sends a heartbeat `test_request` to every connection that asked for heartbeats. */
  sendTestRequests(): void {
    for (const c of this.conns) if (c.heartbeat) c.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'heartbeat', params: { type: 'test_request' } }));
  }

  /** The venue goes away (a restart, maintenance): every socket is cut, and connections are refused until `comeBack`. */
  goDown(): void {
    this.down = true;
    for (const c of this.conns) c.ws.terminate();
  }

  comeBack(): void {
    this.down = false;
  }

  /** The next `method` call is carried out, but its answer is lost: the socket drops instead. */
  swallowNextAnswer(method: string): void {
    this.swallowed.add(method);
  }

  disconnectPublic(): void {
    for (const c of this.conns) if (!c.clientId) c.ws.terminate();
  }

  disconnectPrivate(): void {
    for (const c of this.conns) if (c.clientId) c.ws.terminate();
  }

  socketCount(): number {
    return this.conns.size;
  }

  subscribedChannels(): string[] {
    return [...this.conns].flatMap((c) => [...c.channels]);
  }

  /** Connections of `clientId` subscribed to its changes (the connector's account streams). */
  listening(clientId: string): number {
    return [...this.conns].filter((c) => c.clientId === clientId && [...c.channels].some((ch) => ch.startsWith('user.changes.'))).length;
  }

  // ---- account knobs (fake-deribit-trading.ts)

  /** Fills a resting order (in full, or `amount` of it, in Deribit's units) as maker at its price. */
  fillResting(clientId: string, label: string, amount?: string): void {
    this.trading.fillResting(clientId, label, amount);
  }

  cancelResting(clientId: string, label: string): void {
    this.trading.cancelResting(clientId, label);
  }

  private notify(channel: string, data: unknown, only?: (c: Conn) => boolean): void {
    const text = JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel, data } });
    for (const c of this.conns) if (c.channels.has(channel) && (!only || only(c))) c.ws.send(text);
  }

  // ---- internals: transport

  /** Spends a request's credits; false when its pool is short (Deribit's 10028). */
  private spend(method: string, scope: string): boolean {
    if (this.forcedLimits > 0) {
      this.forcedLimits--;
      return false;
    }
    const kind = MATCHING.has(method) ? 'matching' : 'other';
    const pool = POOLS[kind];
    const key = `${kind}|${scope}`;
    const now = Date.now();
    const level = this.pools.get(key) ?? { credits: pool.capacity, at: now };
    level.credits = Math.min(pool.capacity, level.credits + ((now - level.at) * pool.refill) / 1000);
    level.at = now;
    this.pools.set(key, level);
    if (level.credits < pool.cost) return false;
    level.credits -= pool.cost;
    return true;
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    for await (const _ of req) void _;
    const method = url.pathname.replace(/^\/api\/v2\//, '');
    const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
    this.calls.push({ method, params, transport: 'http' });
    if (this.down) {
      this.refusedWhileDown++;
      return this.replyHttp(res, 503, { jsonrpc: '2.0', error: { code: 11094, message: 'internal_server_error' } });
    }
    const failure = this.httpFailures.shift();
    if (failure !== undefined) return this.replyHttp(res, failure, { jsonrpc: '2.0', error: { code: 11094, message: 'internal_server_error' } });
    if (!this.spend(method, `ip`)) {
      this.rateLimitAnswers++;
      return this.replyHttp(res, 429, { jsonrpc: '2.0', error: ERR.tooMany, testnet: true });
    }
    try {
      const result = this.market.publicMethod(method, params);
      this.replyHttp(res, 200, { jsonrpc: '2.0', result, usIn: Date.now() * 1000, usOut: Date.now() * 1000, usDiff: 1, testnet: true });
    } catch (err) {
      const rpc = err instanceof Refusal ? err.rpc : { code: 11094, message: 'internal_server_error' };
      this.replyHttp(res, 400, { jsonrpc: '2.0', error: rpc, testnet: true });
    }
  }

  private replyHttp(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws/api/v2') return void socket.destroy();
    if (this.down) {
      this.refusedWhileDown++;
      return void socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, channels: new Set() };
      this.conns.add(conn);
      ws.on('close', () => this.conns.delete(conn));
      ws.on('message', (raw) => this.onWsMessage(conn, raw.toString()));
    });
  }

  private onWsMessage(conn: Conn, text: string): void {
    let msg: { id?: unknown; method?: unknown; params?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return void conn.ws.send(JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' } }));
    }
    const id = typeof msg.id === 'number' ? msg.id : undefined;
    const method = typeof msg.method === 'string' ? msg.method : '';
    const params = (typeof msg.params === 'object' && msg.params !== null ? msg.params : {}) as Record<string, unknown>;
    this.calls.push({ method, params, ...(conn.clientId ? { clientId: conn.clientId } : {}), transport: 'ws' });
    const answer = (body: { result: unknown } | { error: RpcError }) => conn.ws.send(JSON.stringify({ jsonrpc: '2.0', id, ...body, usIn: Date.now() * 1000, usOut: Date.now() * 1000, usDiff: 1, testnet: true }));
    if (!this.spend(method, conn.clientId ?? 'ip')) {
      this.rateLimitAnswers++;
      return answer({ error: ERR.tooMany });
    }
    try {
      const result = this.wsMethod(conn, method, params);
      if (this.swallowed.delete(method)) return void conn.ws.terminate();
      answer({ result });
    } catch (err) {
      answer({ error: err instanceof Refusal ? err.rpc : { code: 11094, message: `internal_server_error: ${String(err)}` } });
    }
  }

  private wsMethod(conn: Conn, method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'public/auth':
        return this.auth(conn, p);
      case 'public/set_heartbeat': {
        const interval = Number(p.interval);
        if (!Number.isInteger(interval) || interval < 10) throw new Refusal(ERR.params('interval', 'must be at least 10'));
        conn.heartbeat = interval;
        return 'ok';
      }
      case 'public/test':
        this.testCalls++;
        return { version: '1.2.26' };
      case 'public/subscribe':
      case 'private/subscribe':
        return this.subscribe(conn, method, p);
      case 'public/unsubscribe':
      case 'private/unsubscribe': {
        const channels = stringList(p.channels, 'channels').filter((c) => conn.channels.delete(c));
        return channels;
      }
    }
    if (method.startsWith('public/')) return this.market.publicMethod(method, p);
    if (!method.startsWith('private/')) throw new Refusal(ERR.method);
    const acct = conn.clientId ? this.accounts.get(conn.clientId) : undefined;
    if (!acct) throw new Refusal(ERR.unauthorized);
    return this.trading.privateMethod(acct, method, p);
  }

  private auth(conn: Conn, p: Record<string, unknown>): unknown {
    const acct = typeof p.client_id === 'string' ? this.accounts.get(p.client_id) : undefined;
    if (p.grant_type === 'client_credentials') {
      if (!acct || !equalText(String(p.client_secret ?? ''), acct.secret)) throw new Refusal(ERR.badCredentials);
    } else if (p.grant_type === 'client_signature') {
      const timestamp = Number(p.timestamp);
      const nonce = String(p.nonce ?? '');
      const data = String(p.data ?? '');
      if (!acct || !Number.isFinite(timestamp) || Math.abs(timestamp - Date.now()) > 60_000) throw new Refusal(ERR.badCredentials);
      const expected = createHmac('sha256', acct.secret).update(`${timestamp}\n${nonce}\n${data}`).digest('hex');
      if (!equalText(String(p.signature ?? ''), expected)) throw new Refusal(ERR.badCredentials);
    } else throw new Refusal(ERR.params('grant_type', 'must be client_credentials or client_signature'));
    conn.clientId = acct.clientId;
    const token = `${Date.now()}.${acct.clientId}.fake`;
    return { access_token: token, expires_in: 900, refresh_token: `${token}.refresh`, scope: 'connection mainaccount', enabled_features: [], token_type: 'bearer' };
  }

  private subscribe(conn: Conn, method: string, p: Record<string, unknown>): string[] {
    if (method === 'public/subscribe' && this.subscribeRefusals > 0) {
      this.subscribeRefusals--;
      this.refusedSubscribes++;
      throw new Refusal(ERR.tooMany);
    }
    const accepted: string[] = [];
    for (const ch of stringList(p.channels, 'channels')) {
      const parts = ch.split('.');
      const isUser = parts[0] === 'user';
      if (isUser && (method !== 'private/subscribe' || !conn.clientId)) continue;
      if (!isUser && !this.market.knows(parts)) continue;
      conn.channels.add(ch);
      accepted.push(ch);
    }
    // The answer first, then each book's snapshot (Deribit's order).
    setImmediate(() => {
      for (const ch of accepted) if (ch.startsWith('book.') && conn.channels.has(ch)) conn.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel: ch, data: this.market.snapshot(ch.split('.')[1]!) } }));
    });
    return accepted;
  }
}

export async function startFakeDeribitServer(options: FakeDeribitOptions = {}): Promise<FakeDeribitServer> {
  return new FakeDeribitServer(options).listen(0);
}
