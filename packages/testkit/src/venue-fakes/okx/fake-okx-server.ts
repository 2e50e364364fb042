/**
 * @module venue-fakes/okx/fake-okx-server
 * A local OKX v5 server for tests, on 127.0.0.1 (one port for REST and the three WebSocket paths), speaking the
 * documented formats (fixtures/, SOURCES.md):
 *  - REST: public instruments, time, books (with the `seqId` the snapshot reflects), candles; signed trade/order,
 *    cancel-order, order query, fills, account balance. Signed requests are verified exactly as OKX documents
 *    (OK-ACCESS-KEY/SIGN/TIMESTAMP/PASSPHRASE; Base64 HMAC-SHA256 of timestamp+method+path+body; timestamp within
 *    30 s else 50102; demo requests must carry `x-simulated-trading: 1` when the fake plays the demo host).
 *  - The documented rate limits are enforced (orders 60 / 2 s per user and instrument, books 40 / 2 s, …): a request
 *    over them is answered 429 `{"code":"50011"}` and counted in `rateLimitAnswers`.
 *  - WebSockets `/ws/v5/public` (books, trades, tickers), `/ws/v5/business` (candles), `/ws/v5/private` (login,
 *    orders, account); "ping" → "pong". `books` pushes updates only (no initial snapshot, `checksum` 0, as OKX sends
 *    them since 2026) unless `sendBookSnapshots` / `sendChecksums` say otherwise; seqIds grow by uneven steps.
 *  - Knobs inject what the connector must survive: dropped / duplicated / corrupted book pushes, lagging REST
 *    snapshots, dropped sockets, 429 and 5xx answers, refused orders; `fillResting` / `cancelResting` change orders on
 *    OKX's side, pushed only to whoever is logged in then.
 *
 * This file is the transport (HTTP, WebSocket, logins, subscriptions, rate limits, faults); the market's books are
 * in fake-okx-market.ts, the accounts' orders and fills in fake-okx-trading.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeBook } from '../shared/fake-book.ts';
import { closeLocal, listenLocal } from '../shared/local-server.ts';
import { FakeOkxAccount } from './fake-okx-account.ts';
import { FakeOkxMarket, type FakeOkxInstrument, type TradeIds } from './fake-okx-market.ts';
import { FakeOkxTrading } from './fake-okx-trading.ts';

export type { FakeOkxInstrument } from './fake-okx-market.ts';

export interface FakeOkxOptions {
  instruments?: FakeOkxInstrument[];
  keys?: Record<string, { secret: string; passphrase: string; balances?: Record<string, string> }>;
  /** Plays OKX's demo trading host: every request must carry `x-simulated-trading: 1`. */
  demo?: boolean;
}

type Conn = { ws: WebSocket; path: string; channels: Set<string>; account?: FakeOkxAccount };

const RATE: Record<string, number> = {
  'GET /api/v5/public/instruments': 20,
  'GET /api/v5/market/books': 40,
  'GET /api/v5/market/candles': 40,
  'POST /api/v5/trade/order': 60,
  'POST /api/v5/trade/cancel-order': 60,
  'GET /api/v5/trade/order': 60,
  'GET /api/v5/trade/fills': 60,
  'GET /api/v5/account/balance': 10,
};

export class FakeOkxServer {
  restBaseUrl = '';
  wsBaseUrl = '';
  readonly requests: Array<{ method: string; path: string; query: URLSearchParams; body: Record<string, unknown> | undefined; apiKey?: string; simulated: boolean }> = [];
  /** 429 answers given because the client went over a documented limit. */
  rateLimitAnswers = 0;
  /** Send a `books` snapshot push on subscribe (OKX's behaviour before 2026). */
  sendBookSnapshots = false;
  /** Delay before `GET /market/books` answers (pushes made meanwhile must be buffered by the client). */
  snapshotDelayMs = 0;
  /** Market subscribe frames answered with an error so far (`refuseSubscribes`). */
  refusedSubscribes = 0;
  private refusals: Array<{ code: string; msg: string }> = [];
  readonly market: FakeOkxMarket;
  readonly trading: FakeOkxTrading;
  private readonly ids: TradeIds = { nextTradeId: 700_000_000 };
  private readonly conns = new Set<Conn>();
  private readonly failures: Array<{ path?: string; status: number; code?: string; retryAfterSeconds?: number }> = [];
  private readonly windows = new Map<string, number[]>();
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(private readonly options: FakeOkxOptions = {}) {
    this.market = new FakeOkxMarket(options.instruments ?? [{ instId: 'BTC-USDT', base: 'BTC', quote: 'USDT' }], this.ids, (channel, frame) => this.broadcast(channel, frame));
    this.trading = new FakeOkxTrading(this.market, this.ids, (acct, channel, frame) => {
      for (const c of this.conns) if (c.account === acct && c.channels.has(channel)) c.ws.send(frame);
    });
    for (const [k, v] of Object.entries(options.keys ?? {})) this.accounts.set(k, new FakeOkxAccount(k, v.secret, v.passphrase, v.balances ?? { USDT: '100000', BTC: '1' }));
    this.http = createServer((req, res) => void this.onHttp(req, res));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  get instruments(): Map<string, Required<FakeOkxInstrument>> {
    return this.market.instruments;
  }

  get books(): Map<string, FakeBook> {
    return this.market.books;
  }

  get accounts(): Map<string, FakeOkxAccount> {
    return this.trading.accounts;
  }

  /** Every state each book has been in (top 20 per side, normalised), oldest first: what a client may show. */
  get truths(): Map<string, Set<string>> {
    return this.market.truths;
  }

  /** Send real CRC-32 checksums on `books` pushes (else 0). */
  get sendChecksums(): boolean {
    return this.market.sendChecksums;
  }

  set sendChecksums(on: boolean) {
    this.market.sendChecksums = on;
  }

  /** The next this-many REST snapshots report the book as it was three updates ago (REST lagging the stream). */
  get staleSnapshots(): number {
    return this.market.staleSnapshots;
  }

  set staleSnapshots(n: number) {
    this.market.staleSnapshots = n;
  }

  async listen(port = 0): Promise<this> {
    Object.assign(this, await listenLocal(this.http, port));
    return this;
  }

  async close(): Promise<void> {
    await closeLocal(this.http, this.wss, [...this.conns].map((c) => c.ws));
  }

  // ---- market knobs (fake-okx-market.ts)

  /** Replaces a book; the change is one update push (as OKX would stream it). */
  setBook(instId: string, book: { bids: Array<[string, string]>; asks: Array<[string, string]> }): void {
    this.market.setBook(instId, book);
  }

  /** Applies level changes (size "0" deletes) and pushes them as one `books` update, subject to the fault queue. */
  pushBook(instId: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): void {
    this.market.pushBook(instId, diff);
  }

  /** The next book pushes are dropped / sent twice / sent with a wrong checksum. */
  queueBookFaults(...faults: Array<'drop' | 'duplicate' | 'corrupt-checksum'>): void {
    this.market.queueBookFaults(...faults);
  }

  pushTrade(instId: string, trade: { px: string; sz: string; side: 'buy' | 'sell'; tradeId?: string }): void {
    this.market.pushTrade(instId, trade);
  }

  pushTicker(instId: string, t: { last: string; open24h: string }): void {
    this.market.pushTicker(instId, t);
  }

  pushCandle(instId: string, bar: string, row: [string, string, string, string, string, string, '0' | '1']): void {
    this.market.pushCandle(instId, bar, row);
  }

  book(instId: string): FakeBook {
    return this.market.book(instId);
  }

  /** OKX's checksum: CRC-32 (signed) of `bid:size:ask:size…` over the top 25 levels, interleaved. */
  checksum(instId: string): number {
    return this.market.checksum(instId);
  }

  // ---- fault knobs

  /** The next REST request (optionally only for `path`) fails with this status (429 carries code 50011). */
  failNext(f: { status: number; code?: string; retryAfterSeconds?: number }, path?: string): void {
    this.failures.push({ ...f, ...(path ? { path } : {}) });
  }

  /** The next new order is refused per item with this sCode/sMsg. */
  refuseNextOrder(sCode = '51008', sMsg = 'Order failed. Insufficient USDT balance in account.'): void {
    this.trading.refuseNextOrder(sCode, sMsg);
  }

  disconnectPublic(): void {
    for (const c of this.conns) if (c.path !== '/ws/v5/private') c.ws.terminate();
  }

  disconnectPrivate(): void {
    for (const c of this.conns) if (c.path === '/ws/v5/private') c.ws.terminate();
  }

  /** Sockets open per path (tests check feeds stop when unused). */
  socketCount(path?: string): number {
    return [...this.conns].filter((c) => path === undefined || c.path === path).length;
  }

  /** Channels subscribed over all sockets, as `channel:instId`. */
  subscribedChannels(): string[] {
    return [...this.conns].flatMap((c) => [...c.channels]);
  }

  loggedIn(apiKey: string): number {
    return [...this.conns].filter((c) => c.account?.apiKey === apiKey && c.channels.has('orders')).length;
  }

  /**
   * The next `count` market subscribe frames (public and business sockets) are refused whole: one error answer
   * carrying the frame's `id`, as OKX answers a request it will not serve (by default 60014, too many requests),
   * and none of their channels subscribed.
   */
  refuseSubscribes(count: number, code = '60014', msg = 'Requests too frequent.'): void {
    for (let i = 0; i < count; i++) this.refusals.push({ code, msg });
  }

  // ---- account knobs (fake-okx-trading.ts)

  /** Fills a resting order (in full, or `qty`) as maker at its price, pushed to logged-in sockets only. */
  fillResting(apiKey: string, clOrdId: string, qty?: string): void {
    this.trading.fillResting(apiKey, clOrdId, qty);
  }

  cancelResting(apiKey: string, clOrdId: string): void {
    this.trading.cancelResting(apiKey, clOrdId);
  }

  private broadcast(channel: string, frame: unknown): void {
    const text = JSON.stringify(frame);
    for (const c of this.conns) if (c.channels.has(channel)) c.ws.send(text);
  }

  // ---- internals: HTTP

  private overLimit(key: string, limit: number): boolean {
    const now = Date.now();
    const w = (this.windows.get(key) ?? []).filter((t) => t > now - 2000);
    w.push(now);
    this.windows.set(key, w);
    return w.length > limit;
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bodyText = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    try {
      body = bodyText ? (JSON.parse(bodyText) as Record<string, unknown>) : undefined;
    } catch {
      return this.reply(res, 400, { code: '50002', msg: 'JSON syntax error', data: [] });
    }
    const method = req.method ?? 'GET';
    const endpoint = `${method} ${url.pathname}`;
    const apiKey = req.headers['ok-access-key'] as string | undefined;
    const simulated = req.headers['x-simulated-trading'] === '1';
    this.requests.push({ method, path: url.pathname, query: url.searchParams, body, ...(apiKey ? { apiKey } : {}), simulated });
    const failure = this.failures.findIndex((f) => !f.path || f.path === url.pathname);
    if (failure >= 0) {
      const f = this.failures.splice(failure, 1)[0]!;
      const headers: Record<string, string> = f.retryAfterSeconds !== undefined ? { 'Retry-After': String(f.retryAfterSeconds) } : {};
      if (f.status === 429) return this.reply(res, 429, { code: f.code ?? '50011', msg: 'Too Many Requests', data: [] }, headers);
      return this.reply(res, f.status, { code: '50001', msg: 'Service temporarily unavailable', data: [] }, headers);
    }
    if (this.options.demo && !simulated) return this.reply(res, 401, { code: '50101', msg: 'APIKey does not match current environment.', data: [] });
    const limit = RATE[endpoint];
    if (limit !== undefined) {
      const scope = apiKey ? `${apiKey}|${endpoint.includes('/trade/') && endpoint !== 'GET /api/v5/trade/fills' ? String(url.searchParams.get('instId') ?? body?.instId) : ''}` : 'ip';
      if (this.overLimit(`${endpoint}|${scope}`, limit)) {
        this.rateLimitAnswers++;
        return this.reply(res, 429, { code: '50011', msg: 'Rate limit reached. Please refer to API documentation and throttle requests accordingly.', data: [] });
      }
    }
    if (url.pathname.startsWith('/api/v5/public/') || url.pathname.startsWith('/api/v5/market/')) return this.onPublic(url, res);
    const acct = this.authenticate(req, method, `${url.pathname}${url.search}`, bodyText);
    if (typeof acct === 'string') return this.reply(res, 401, { code: acct, msg: AUTH_MESSAGES[acct] ?? 'auth failed', data: [] });
    this.trading.privateRequest(acct, endpoint, url, body, (status, answer) => this.reply(res, status, answer));
  }

  private async onPublic(url: URL, res: ServerResponse): Promise<void> {
    if (url.pathname === '/api/v5/market/books' && this.snapshotDelayMs > 0) await new Promise((r) => setTimeout(r, this.snapshotDelayMs));
    switch (url.pathname) {
      case '/api/v5/public/time':
        return this.reply(res, 200, { code: '0', msg: '', data: [{ ts: String(Date.now()) }] });
      case '/api/v5/public/instruments': {
        return this.reply(res, 200, { code: '0', msg: '', data: this.market.instrumentRows() });
      }
      case '/api/v5/market/books': {
        const instId = url.searchParams.get('instId') ?? '';
        if (!this.books.has(instId)) return this.reply(res, 200, { code: '51001', msg: "Instrument ID doesn't exist", data: [] });
        const sz = Math.min(400, Number(url.searchParams.get('sz') ?? 1));
        return this.reply(res, 200, { code: '0', msg: '', data: [this.market.restSnapshot(instId, sz)] });
      }
      case '/api/v5/market/candles': {
        const limit = Number(url.searchParams.get('limit') ?? 100);
        const bar = url.searchParams.get('bar') ?? '1m';
        const step = bar === '1m' ? 60_000 : bar === '1H' ? 3_600_000 : 60_000;
        const now = Math.floor(Date.now() / step) * step;
        const mid = this.book(url.searchParams.get('instId') ?? '').best('bid') ?? '100';
        const data = Array.from({ length: limit }, (_, i) => [String(now - i * step), mid, mid, mid, mid, '1', mid, mid, i === 0 ? '0' : '1']);
        return this.reply(res, 200, { code: '0', msg: '', data });
      }
      default:
        return this.reply(res, 404, { code: '50000', msg: 'not found', data: [] });
    }
  }

  /** The caller's account, or the OKX error code of the refusal. */
  private authenticate(req: IncomingMessage, method: string, requestPath: string, body: string): FakeOkxAccount | string {
    const key = req.headers['ok-access-key'];
    const sign = req.headers['ok-access-sign'];
    const ts = req.headers['ok-access-timestamp'];
    const pass = req.headers['ok-access-passphrase'];
    if (typeof key !== 'string' || typeof sign !== 'string' || typeof ts !== 'string' || typeof pass !== 'string') return '50103';
    const acct = this.accounts.get(key);
    if (!acct) return '50111';
    const at = Date.parse(ts);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(ts) || Number.isNaN(at)) return '50112';
    if (Math.abs(at - Date.now()) > 30_000) return '50102';
    if (pass !== acct.passphrase) return '50105';
    const expected = createHmac('sha256', acct.secret).update(`${ts}${method}${requestPath}${body}`).digest();
    const got = Buffer.from(sign, 'base64');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return '50113';
    return acct;
  }

  private reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) return;
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  // ---- internals: WebSocket

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!['/ws/v5/public', '/ws/v5/business', '/ws/v5/private'].includes(path)) return void socket.destroy();
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, path, channels: new Set() };
      this.conns.add(conn);
      ws.on('close', () => this.conns.delete(conn));
      ws.on('message', (raw) => this.onFrame(conn, String(raw)));
    });
  }

  private onFrame(conn: Conn, text: string): void {
    if (text === 'ping') return void conn.ws.send('pong');
    let msg: { id?: string; op?: string; args?: Array<Record<string, string>> };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return void conn.ws.send(JSON.stringify({ event: 'error', code: '60012', msg: `Invalid request: ${text.slice(0, 50)}` }));
    }
    const id = msg.id ? { id: msg.id } : {};
    if (msg.op === 'login') {
      const a = msg.args?.[0] ?? {};
      const acct = a.apiKey ? this.accounts.get(a.apiKey) : undefined;
      const expected = acct ? createHmac('sha256', acct.secret).update(`${a.timestamp}GET/users/self/verify`).digest('base64') : '';
      if (conn.path !== '/ws/v5/private' || !acct || a.passphrase !== acct.passphrase || a.sign !== expected || Math.abs(Number(a.timestamp) * 1000 - Date.now()) > 30_000) {
        return void conn.ws.send(JSON.stringify({ ...id, event: 'error', code: '60009', msg: 'Login failed.' }));
      }
      conn.account = acct;
      return void conn.ws.send(JSON.stringify({ ...id, event: 'login', code: '0', msg: '', connId: 'a4d3ae55' }));
    }
    if (msg.op !== 'subscribe' && msg.op !== 'unsubscribe') return void conn.ws.send(JSON.stringify({ ...id, event: 'error', code: '60012', msg: 'Invalid request' }));
    const refusal = msg.op === 'subscribe' && conn.path !== '/ws/v5/private' ? this.refusals.shift() : undefined;
    if (refusal) {
      this.refusedSubscribes++;
      return void conn.ws.send(JSON.stringify({ ...id, event: 'error', ...refusal }));
    }
    for (const arg of msg.args ?? []) {
      const ch = arg.channel ?? '';
      const privateCh = ch === 'orders' || ch === 'account';
      const pathOk = privateCh ? conn.path === '/ws/v5/private' : ch.startsWith('candle') ? conn.path === '/ws/v5/business' : conn.path === '/ws/v5/public';
      if (!pathOk || (privateCh && !conn.account) || (!privateCh && !this.books.has(arg.instId ?? ''))) {
        conn.ws.send(JSON.stringify({ ...id, event: 'error', code: privateCh && !conn.account ? '60011' : '60018', msg: `Wrong URL or channel:${ch},instId:${arg.instId ?? ''} doesn't exist.` }));
        continue;
      }
      const name = privateCh ? ch : `${ch}:${arg.instId}`;
      if (msg.op === 'subscribe') conn.channels.add(name);
      else conn.channels.delete(name);
      conn.ws.send(JSON.stringify({ ...id, event: msg.op, arg, connId: 'a4d3ae55' }));
      if (msg.op === 'subscribe' && ch === 'books' && this.sendBookSnapshots) {
        conn.ws.send(JSON.stringify({ arg, action: 'snapshot', data: [this.market.snapshotPush(arg.instId!)] }));
      }
      if (msg.op === 'subscribe' && ch === 'account' && conn.account) conn.ws.send(JSON.stringify({ arg, data: [conn.account.balanceRow(Date.now())] }));
    }
  }
}

const AUTH_MESSAGES: Record<string, string> = {
  '50102': 'Timestamp request expired',
  '50103': 'Request header "OK-ACCESS-KEY" cannot be empty.',
  '50105': 'Request header "OK-ACCESS-PASSPHRASE" incorrect.',
  '50111': 'Invalid OK-ACCESS-KEY',
  '50112': 'Invalid OK-ACCESS-TIMESTAMP',
  '50113': 'Invalid Sign',
};

export async function startFakeOkxServer(options: FakeOkxOptions = {}): Promise<FakeOkxServer> {
  return new FakeOkxServer(options).listen(0);
}
