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
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeBook } from '../shared/fake-book.ts';
import { closeLocal, listenLocal } from '../shared/local-server.ts';
import { loadFixture } from '../shared/fixtures.ts';
import { FakeDeribitAccount, type FakeDeribitOrder, type FakeDeribitTrade } from './fake-deribit-account.ts';

export interface FakeDeribitInstrument {
  /** e.g. BTC-PERPETUAL, BTC-27JUN25, BTC-27JUN25-60000-C, ETH_USDC-PERPETUAL. */
  name: string;
  kind?: 'future' | 'option';
  base?: string;
  quote?: string;
  settlement?: string;
  /** USD per contract (inverse) or coin per contract (linear, options). */
  contractSize?: string;
  tickSize?: string;
  /** In Deribit's units (USD for inverse futures). */
  minTradeAmount?: string;
  inverse?: boolean;
  expiry?: number;
  strike?: string;
  optionType?: 'call' | 'put';
  state?: string;
}

export interface FakeDeribitOptions {
  instruments?: FakeDeribitInstrument[];
  keys?: Record<string, { secret: string; balances?: Record<string, string> }>;
}

type Conn = { ws: WebSocket; channels: Set<string>; clientId?: string; heartbeat?: number };
type Instrument = Required<Omit<FakeDeribitInstrument, 'expiry' | 'strike' | 'optionType'>> & Pick<FakeDeribitInstrument, 'expiry' | 'strike' | 'optionType'> & { perpetual: boolean };
type RpcError = { code: number; message: string; data?: unknown };

const DIR = new URL('./', import.meta.url);
const MATCHING = new Set(['private/buy', 'private/sell', 'private/cancel', 'private/edit', 'private/cancel_all']);
const POOLS = { matching: { capacity: 20, refill: 5, cost: 1 }, other: { capacity: 50_000, refill: 10_000, cost: 500 } };
const TAKER_FEE = new Decimal('0.0005');
const ERR = {
  notFound: { code: 10004, message: 'order_not_found' },
  tooMany: { code: 10028, message: 'too_many_requests' },
  notOpen: { code: 11044, message: 'not_open_order' },
  badCredentials: { code: 13004, message: 'invalid_credentials' },
  unauthorized: { code: 13009, message: 'unauthorized' },
  params: (param: string, reason: string): RpcError => ({ code: -32602, message: 'Invalid params', data: { param, reason } }),
  method: { code: -32601, message: 'Method not found' },
};

/** A rejected call's answer, thrown inside a method handler. */
class Refusal extends Error {
  constructor(readonly rpc: RpcError) {
    super(rpc.message);
  }
}

export class FakeDeribitServer {
  restBaseUrl = '';
  wsBaseUrl = '';
  /** Every JSON-RPC call received (HTTP and WebSocket), in order. */
  readonly calls: Array<{ method: string; params: Record<string, unknown>; clientId?: string; transport: 'http' | 'ws' }> = [];
  readonly instruments = new Map<string, Instrument>();
  readonly books = new Map<string, FakeBook>();
  readonly accounts = new Map<string, FakeDeribitAccount>();
  /** 10028 answers given because a pool was short (or forced with `limitNext`). */
  rateLimitAnswers = 0;
  /** `public/test` calls received (answers to heartbeat test requests, and plain tests). */
  testCalls = 0;
  /** Every state each book has been in, in contracts (top 20 per side, normalised): what a client may show. */
  readonly truths = new Map<string, Set<string>>();
  private readonly changeIds = new Map<string, number>();
  private readonly conns = new Set<Conn>();
  private readonly pools = new Map<string, { credits: number; at: number }>();
  private bookFaults: Array<'drop' | 'duplicate'> = [];
  private readonly httpFailures: number[] = [];
  private forcedLimits = 0;
  /** Down for maintenance (`goDown`): sockets cut, new ones and HTTP answered 503 until `comeBack`. */
  private down = false;
  /** Connections and requests refused while down. */
  refusedWhileDown = 0;
  private readonly swallowed = new Set<string>();
  private readonly refusals: RpcError[] = [];
  private nextOrderId = 8_000_000_000;
  private nextTradeId = 300_000_000;
  private nextTradeSeq = 1;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(options: FakeDeribitOptions = {}) {
    for (const i of options.instruments ?? [{ name: 'BTC-PERPETUAL' }]) this.addInstrument(i);
    for (const [k, v] of Object.entries(options.keys ?? {})) this.accounts.set(k, new FakeDeribitAccount(k, v.secret, v.balances ?? { BTC: '1', ETH: '10', USDC: '100000' }));
    this.http = createServer((req, res) => void this.onHttp(req, res));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  async listen(port = 0): Promise<this> {
    Object.assign(this, await listenLocal(this.http, port));
    return this;
  }

  async close(): Promise<void> {
    await closeLocal(this.http, this.wss, [...this.conns].map((c) => c.ws));
  }

  addInstrument(i: FakeDeribitInstrument): void {
    const [head = 'BTC'] = i.name.split('-');
    const [base = 'BTC', linearQuote] = head.split('_');
    const kind = i.kind ?? (/-[CP]$/.test(i.name) ? 'option' : 'future');
    const inverse = i.inverse ?? (kind === 'future' && !linearQuote);
    const defaults = kind === 'option' ? { contractSize: '1', tickSize: '0.0005', minTradeAmount: '0.1' } : inverse ? { contractSize: '10', tickSize: '0.5', minTradeAmount: '10' } : { contractSize: '0.001', tickSize: '0.5', minTradeAmount: '0.001' };
    this.instruments.set(i.name, {
      kind, base, quote: linearQuote ?? 'USD', settlement: linearQuote ?? base, inverse, state: 'open', ...defaults, ...i,
      perpetual: i.name.endsWith('-PERPETUAL'),
    });
    this.books.set(i.name, new FakeBook());
    this.changeIds.set(i.name, 1000);
  }

  // ---- market knobs

  /** Replaces a book (as one change notification). Amounts in Deribit's units. */
  setBook(name: string, book: { bids: Array<[string, string]>; asks: Array<[string, string]> }): void {
    const b = this.book(name);
    const clear = (m: Map<string, string>) => [...m.keys()].map((p) => [p, '0'] as [string, string]);
    this.pushBook(name, { bids: [...clear(b.bids), ...book.bids], asks: [...clear(b.asks), ...book.asks] });
  }

  /** Applies level changes (amount "0" deletes) and notifies them as one `change`, subject to the fault queue. */
  pushBook(name: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): void {
    const b = this.book(name);
    const levels = (side: 'bid' | 'ask', rows: Array<[string, string]>) =>
      rows.map(([p, q]) => {
        const had = (side === 'bid' ? b.bids : b.asks).has(p);
        b.set(side, p, q);
        const action = new Decimal(q).isZero() ? 'delete' : had ? 'change' : 'new';
        return [action, Number(p), new Decimal(q).isZero() ? 0 : Number(q)];
      });
    const bids = levels('bid', diff.bids ?? []);
    const asks = levels('ask', diff.asks ?? []);
    const prev = this.changeIds.get(name)!;
    const changeId = prev + 1 + ((prev * 7) % 13);
    this.changeIds.set(name, changeId);
    this.remember(name);
    const fault = this.bookFaults.shift();
    if (fault === 'drop') return;
    const data = { type: 'change', timestamp: Date.now(), prev_change_id: prev, instrument_name: name, change_id: changeId, bids, asks };
    this.notify(`book.${name}.100ms`, data);
    if (fault === 'duplicate') this.notify(`book.${name}.100ms`, data);
  }

  /** The next book changes are lost / sent twice. */
  queueBookFaults(...faults: Array<'drop' | 'duplicate'>): void {
    this.bookFaults.push(...faults);
  }

  pushTrade(name: string, t: { price: string; amount: string; direction: 'buy' | 'sell' }): void {
    const price = Number(t.price);
    this.notify(`trades.${name}.100ms`, [{ trade_seq: this.nextTradeSeq++, trade_id: String(this.nextTradeId++), timestamp: Date.now(), tick_direction: 0, price, mark_price: price, instrument_name: name, index_price: price, direction: t.direction, amount: Number(t.amount) }]);
  }

  /** A ticker from the documented example, with the book's best levels and the given prices. */
  pushTicker(name: string, t: { last: string; mark: string; index: string; funding?: string; markIv?: string; greeks?: Record<string, number> }): void {
    const b = this.book(name);
    const [bid] = b.top('bid', 1);
    const [ask] = b.top('ask', 1);
    const row: Record<string, unknown> = {
      ...loadFixture(DIR, 'ticker'), instrument_name: name, timestamp: Date.now(), last_price: Number(t.last), mark_price: Number(t.mark), index_price: Number(t.index),
      best_bid_price: bid ? Number(bid[0]) : null, best_bid_amount: bid ? Number(bid[1]) : 0, best_ask_price: ask ? Number(ask[0]) : null, best_ask_amount: ask ? Number(ask[1]) : 0,
    };
    if (t.funding !== undefined) row.current_funding = Number(t.funding);
    if (t.markIv !== undefined) row.mark_iv = Number(t.markIv);
    if (t.greeks) row.greeks = t.greeks;
    this.notify(`ticker.${name}.100ms`, row);
  }

  pushChartBar(name: string, resolution: string, bar: { tick: number; open: string; high: string; low: string; close: string; volume: string }): void {
    this.notify(`chart.trades.${name}.${resolution}`, { tick: bar.tick, open: Number(bar.open), high: Number(bar.high), low: Number(bar.low), close: Number(bar.close), volume: Number(bar.volume), cost: 0 });
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
  refuseNextOrder(code = 10009, message = 'not_enough_funds'): void {
    this.refusals.push({ code, message });
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

  // ---- account knobs

  /** Fills a resting order (in full, or `amount` of it, in Deribit's units) as maker at its price. */
  fillResting(clientId: string, label: string, amount?: string): void {
    const acct = this.accounts.get(clientId)!;
    const o = acct.byLabel(label).find((x) => x.state === 'open');
    if (!o || !o.price) throw new Error(`no resting order labelled ${label}`);
    const t = this.trade(acct, o, o.price, new Decimal(amount ?? o.amount.minus(o.filled)), 'M');
    this.announce(acct, o, [t]);
  }

  cancelResting(clientId: string, label: string): void {
    const acct = this.accounts.get(clientId)!;
    const o = acct.byLabel(label).find((x) => x.state === 'open');
    if (!o) throw new Error(`no resting order labelled ${label}`);
    o.state = 'cancelled';
    o.cancelReason = 'user_request';
    o.updated = Date.now();
    this.announce(acct, o, []);
  }

  // ---- internals: market

  book(name: string): FakeBook {
    const b = this.books.get(name);
    if (!b) throw new Error(`unknown instrument ${name}`);
    return b;
  }

  private remember(name: string): void {
    const size = this.instruments.get(name)!.contractSize;
    const v = this.book(name).view(20);
    const contracts = (l: { price: string; quantity: string }) => [l.price, new Decimal(l.quantity).div(size).toFixed()];
    const key = JSON.stringify([v.bids.map(contracts), v.asks.map(contracts)]);
    const seen = this.truths.get(name) ?? new Set<string>();
    seen.add(key);
    this.truths.set(name, seen);
  }

  private snapshot(name: string): Record<string, unknown> {
    const b = this.book(name);
    const rows = (side: 'bid' | 'ask') => b.top(side, 1000).map(([p, q]) => ['new', Number(p), Number(q)]);
    return { type: 'snapshot', timestamp: Date.now(), instrument_name: name, change_id: this.changeIds.get(name)!, bids: rows('bid'), asks: rows('ask') };
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
      const result = this.publicMethod(method, params);
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
    if (method.startsWith('public/')) return this.publicMethod(method, p);
    if (!method.startsWith('private/')) throw new Refusal(ERR.method);
    const acct = conn.clientId ? this.accounts.get(conn.clientId) : undefined;
    if (!acct) throw new Refusal(ERR.unauthorized);
    return this.privateMethod(acct, method, p);
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
    const accepted: string[] = [];
    for (const ch of stringList(p.channels, 'channels')) {
      const parts = ch.split('.');
      const isUser = parts[0] === 'user';
      if (isUser && (method !== 'private/subscribe' || !conn.clientId)) continue;
      if (!isUser && !this.knownMarketChannel(parts)) continue;
      conn.channels.add(ch);
      accepted.push(ch);
    }
    // The answer first, then each book's snapshot (Deribit's order).
    setImmediate(() => {
      for (const ch of accepted) if (ch.startsWith('book.') && conn.channels.has(ch)) conn.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel: ch, data: this.snapshot(ch.split('.')[1]!) } }));
    });
    return accepted;
  }

  private knownMarketChannel(parts: string[]): boolean {
    if (parts[0] === 'chart') return parts[1] === 'trades' && this.instruments.has(parts[2] ?? '') && parts.length === 4;
    return ['book', 'trades', 'ticker'].includes(parts[0] ?? '') && this.instruments.has(parts[1] ?? '') && ['100ms', 'raw', 'agg2'].includes(parts[2] ?? '');
  }

  private publicMethod(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'public/get_time':
        return Date.now();
      case 'public/get_instruments': {
        const currency = String(p.currency ?? 'any');
        const tpl = loadFixture(DIR, 'instrument');
        return [...this.instruments.values()]
          .filter((i) => currency === 'any' || i.settlement === currency || (currency === 'USDC' && i.quote === 'USDC'))
          .filter((i) => p.kind === undefined || p.kind === i.kind)
          .map((i) => this.instrumentRow(tpl, i));
      }
      case 'public/get_tradingview_chart_data': {
        const name = String(p.instrument_name ?? '');
        if (!this.instruments.has(name)) throw new Refusal(ERR.params('instrument_name', 'unknown instrument'));
        const step = p.resolution === '1D' ? 86_400_000 : Number(p.resolution) * 60_000;
        if (!(step > 0)) throw new Refusal(ERR.params('resolution', 'unknown resolution'));
        const start = Math.ceil(Number(p.start_timestamp) / step) * step;
        const end = Math.min(Number(p.end_timestamp), Date.now());
        const ticks: number[] = [];
        for (let t = start; t <= end && ticks.length < 5000; t += step) ticks.push(t);
        const mid = Number(this.book(name).best('bid') ?? '100');
        const col = (f: (i: number) => number) => ticks.map((_, i) => f(i));
        return { status: 'ok', ticks, open: col(() => mid), high: col((i) => mid + (i % 3)), low: col((i) => mid - (i % 2)), close: col(() => mid), volume: col(() => 1.5), cost: col(() => mid * 1.5) };
      }
      default:
        throw new Refusal(ERR.method);
    }
  }

  private instrumentRow(tpl: Record<string, unknown>, i: Instrument): Record<string, unknown> {
    const row: Record<string, unknown> = {
      ...tpl, instrument_name: i.name, kind: i.kind, base_currency: i.base, quote_currency: i.quote, counter_currency: i.quote, settlement_currency: i.settlement,
      contract_size: Number(i.contractSize), tick_size: Number(i.tickSize), min_trade_amount: Number(i.minTradeAmount), state: i.state, is_active: i.state === 'open',
      instrument_type: i.inverse ? 'reversed' : 'linear', settlement_period: i.perpetual ? 'perpetual' : i.kind === 'option' ? 'week' : 'month',
      price_index: `${i.base.toLowerCase()}_${i.quote === 'USDC' ? 'usdc' : 'usd'}`, expiration_timestamp: i.expiry ?? 32503708800000,
    };
    if (i.kind === 'future') row.future_type = row.instrument_type;
    else {
      delete row.future_type;
      delete row.max_leverage;
      row.option_type = i.optionType ?? 'call';
      row.strike = Number(i.strike ?? '0');
    }
    return row;
  }

  private privateMethod(acct: FakeDeribitAccount, method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'private/buy':
      case 'private/sell':
        return this.place(acct, method === 'private/buy' ? 'buy' : 'sell', p);
      case 'private/cancel': {
        const o = acct.orders.get(String(p.order_id ?? ''));
        if (!o) throw new Refusal(ERR.notFound);
        if (o.state !== 'open') throw new Refusal(ERR.notOpen);
        o.state = 'cancelled';
        o.cancelReason = 'user_request';
        o.updated = Date.now();
        this.announce(acct, o, []);
        return acct.orderRow(o);
      }
      case 'private/get_order_state': {
        const o = acct.orders.get(String(p.order_id ?? ''));
        if (!o) throw new Refusal(ERR.notFound);
        return acct.orderRow(o);
      }
      case 'private/get_order_state_by_label': {
        const currency = String(p.currency ?? '');
        return acct.byLabel(String(p.label ?? '')).filter((o) => this.instruments.get(o.instrument)?.settlement === currency).map((o) => acct.orderRow(o));
      }
      case 'private/get_user_trades_by_order': {
        const rows = acct.trades.filter((t) => t.orderId === String(p.order_id ?? ''));
        return (p.sorting === 'desc' ? [...rows].reverse() : rows).map((t) => acct.tradeRow(t));
      }
      case 'private/get_account_summaries':
        return { id: 1, email: 'fake@example.com', system_name: acct.clientId, type: 'main', summaries: [...acct.equity.keys()].map((ccy) => acct.summaryRow(ccy, (n) => this.settlementOf(n))) };
      case 'private/get_positions':
        return [...acct.positions.values()].filter((x) => p.currency === undefined || this.instruments.get(x.instrument)?.settlement === p.currency).map((x) => acct.positionRow(x, this.instruments.get(x.instrument)!.inverse));
      default:
        throw new Refusal(ERR.method);
    }
  }

  private settlementOf(name: string): { ccy: string; inverse: boolean } {
    const i = this.instruments.get(name);
    return { ccy: i?.settlement ?? '', inverse: i?.inverse ?? false };
  }

  private place(acct: FakeDeribitAccount, direction: 'buy' | 'sell', p: Record<string, unknown>): unknown {
    const refusal = this.refusals.shift();
    if (refusal) throw new Refusal(refusal);
    const inst = this.instruments.get(String(p.instrument_name ?? ''));
    if (!inst) throw new Refusal(ERR.params('instrument_name', 'instrument not found'));
    const amount = decimalParam(p.amount, 'amount');
    if (amount.lte(0) || !amount.mod(inst.minTradeAmount).isZero()) throw new Refusal(ERR.params('amount', `must be a multiple of ${inst.minTradeAmount}`));
    const label = p.label === undefined ? '' : String(p.label);
    if (label.length > 64) throw new Refusal(ERR.params('label', 'too long'));
    const type = p.type === undefined ? 'limit' : String(p.type);
    if (type !== 'limit' && type !== 'market') throw new Refusal(ERR.params('type', 'unsupported by the fake'));
    const price = type === 'limit' ? decimalParam(p.price, 'price') : undefined;
    if (price && !price.mod(inst.tickSize).isZero()) throw new Refusal(ERR.params('price', `must be a multiple of the tick size ${inst.tickSize}`));
    const tif = p.time_in_force === undefined ? 'good_til_cancelled' : String(p.time_in_force);
    if (!['good_til_cancelled', 'immediate_or_cancel', 'fill_or_kill', 'good_til_day'].includes(tif)) throw new Refusal(ERR.params('time_in_force', 'unknown'));
    const now = Date.now();
    const o: FakeDeribitOrder = {
      orderId: `${inst.base}-${this.nextOrderId++}`, label, instrument: inst.name, direction, orderType: type, price, amount, filled: new Decimal(0), cost: new Decimal(0),
      state: 'open', timeInForce: tif, postOnly: p.post_only === true, reduceOnly: p.reduce_only === true, created: now, updated: now,
    };
    // Marketable quantity against the book (levels are not consumed: the book is the market's, not ours).
    const opposite = this.book(inst.name).top(direction === 'buy' ? 'ask' : 'bid', 1000).filter(([px]) => !price || (direction === 'buy' ? price.gte(px) : price.lte(px)));
    const available = opposite.reduce((s, [, q]) => s.plus(q), new Decimal(0));
    if (o.postOnly && opposite.length > 0) {
      o.state = 'rejected';
      o.cancelReason = 'post_only_reject';
    } else if (tif === 'fill_or_kill' && available.lt(amount)) {
      o.state = 'cancelled';
      o.cancelReason = 'fill_or_kill';
    }
    acct.orders.set(o.orderId, o);
    const trades: FakeDeribitTrade[] = [];
    if (o.state === 'open') {
      for (const [px, q] of opposite) {
        const rest = o.amount.minus(o.filled);
        if (rest.lte(0)) break;
        trades.push(this.trade(acct, o, new Decimal(px), Decimal.min(rest, q), 'T'));
      }
      if (o.state === 'open' && (type === 'market' || tif !== 'good_til_cancelled')) {
        o.state = 'cancelled';
        o.cancelReason = type === 'market' ? 'market_remainder' : 'immediate_or_cancel';
      }
    }
    this.announce(acct, o, trades);
    return { order: acct.orderRow(o), trades: trades.map((t) => acct.tradeRow(t)) };
  }

  private trade(acct: FakeDeribitAccount, o: FakeDeribitOrder, price: Decimal, amount: Decimal, liquidity: 'M' | 'T'): FakeDeribitTrade {
    const inst = this.instruments.get(o.instrument)!;
    const value = inst.inverse ? amount.div(price) : amount.mul(price);
    const fee = liquidity === 'M' ? new Decimal(0) : value.mul(TAKER_FEE).toDecimalPlaces(8);
    const t: FakeDeribitTrade = {
      tradeId: String(this.nextTradeId++), tradeSeq: this.nextTradeSeq++, orderId: o.orderId, instrument: o.instrument, direction: o.direction, orderType: o.orderType,
      price, amount, fee, feeCurrency: inst.settlement, liquidity, timestamp: Date.now(),
    };
    acct.book(o, t, inst.kind);
    return t;
  }

  /** `user.changes` (the order, its new trades, the position) and `user.portfolio` to the account's connections. */
  private announce(acct: FakeDeribitAccount, o: FakeDeribitOrder, trades: FakeDeribitTrade[]): void {
    const inst = this.instruments.get(o.instrument)!;
    const position = acct.positions.get(o.instrument);
    const data = {
      instrument_name: o.instrument,
      orders: [acct.orderRow(o)],
      trades: trades.map((t) => acct.tradeRow(t)),
      positions: position ? [acct.positionRow(position, inst.inverse)] : [],
    };
    const mine = (c: Conn) => c.clientId === acct.clientId;
    for (const ch of [`user.changes.any.any.raw`, `user.changes.${inst.kind}.${inst.settlement}.raw`, `user.changes.${o.instrument}.raw`, 'user.changes.any.any.100ms']) this.notify(ch, data, mine);
    const summary = acct.summaryRow(inst.settlement, (n) => this.settlementOf(n));
    for (const ch of ['user.portfolio.any', `user.portfolio.${inst.settlement.toLowerCase()}`]) this.notify(ch, summary, mine);
  }
}

function stringList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Refusal(ERR.params(what, 'must be a list of strings'));
  return v as string[];
}

function decimalParam(v: unknown, what: string): Decimal {
  if (typeof v !== 'number' && typeof v !== 'string') throw new Refusal(ERR.params(what, 'must be a number'));
  try {
    return new Decimal(v);
  } catch {
    throw new Refusal(ERR.params(what, 'must be a number'));
  }
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startFakeDeribitServer(options: FakeDeribitOptions = {}): Promise<FakeDeribitServer> {
  return new FakeDeribitServer(options).listen(0);
}
