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
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Decimal } from 'decimal.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeBook } from '../shared/fake-book.ts';
import { closeLocal, listenLocal } from '../shared/local-server.ts';
import { loadFixture } from '../shared/fixtures.ts';
import { FEE_RATE, FakeOkxAccount, type FakeOkxFill, type FakeOkxOrder } from './fake-okx-account.ts';

export interface FakeOkxInstrument {
  instId: string;
  base: string;
  quote: string;
  tickSz?: string;
  lotSz?: string;
  minSz?: string;
  state?: string;
}

export interface FakeOkxOptions {
  instruments?: FakeOkxInstrument[];
  keys?: Record<string, { secret: string; passphrase: string; balances?: Record<string, string> }>;
  /** Plays OKX's demo trading host: every request must carry `x-simulated-trading: 1`. */
  demo?: boolean;
}

type Conn = { ws: WebSocket; path: string; channels: Set<string>; account?: FakeOkxAccount };

const DIR = new URL('./', import.meta.url);
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
  readonly instruments = new Map<string, Required<FakeOkxInstrument>>();
  readonly books = new Map<string, FakeBook>();
  readonly accounts = new Map<string, FakeOkxAccount>();
  /** 429 answers given because the client went over a documented limit. */
  rateLimitAnswers = 0;
  /** Send a `books` snapshot push on subscribe (OKX's behaviour before 2026). */
  sendBookSnapshots = false;
  /** Send real CRC-32 checksums on `books` pushes (else 0). */
  sendChecksums = false;
  /** The next this-many REST snapshots report the book as it was three updates ago (REST lagging the stream). */
  staleSnapshots = 0;
  /** Delay before `GET /market/books` answers (pushes made meanwhile must be buffered by the client). */
  snapshotDelayMs = 0;
  /** Every state each book has been in (top 20 per side, normalised), oldest first: what a client may show. */
  readonly truths = new Map<string, Set<string>>();
  private readonly seqIds = new Map<string, number>();
  private readonly history = new Map<string, Array<{ seqId: number; bids: Array<[string, string]>; asks: Array<[string, string]> }>>();
  private readonly conns = new Set<Conn>();
  private readonly failures: Array<{ path?: string; status: number; code?: string; retryAfterSeconds?: number }> = [];
  private readonly refusals: Array<{ sCode: string; sMsg: string }> = [];
  private bookFaults: Array<'drop' | 'duplicate' | 'corrupt-checksum'> = [];
  private readonly windows = new Map<string, number[]>();
  private nextOrdId = 600_000_000_000_000_000n;
  private nextTradeId = 700_000_000;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(private readonly options: FakeOkxOptions = {}) {
    for (const i of options.instruments ?? [{ instId: 'BTC-USDT', base: 'BTC', quote: 'USDT' }]) {
      this.instruments.set(i.instId, { tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001', state: 'live', ...i });
      this.books.set(i.instId, new FakeBook());
      this.seqIds.set(i.instId, 1000);
    }
    for (const [k, v] of Object.entries(options.keys ?? {})) this.accounts.set(k, new FakeOkxAccount(k, v.secret, v.passphrase, v.balances ?? { USDT: '100000', BTC: '1' }));
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

  // ---- market knobs

  /** Replaces a book; the change is one update push (as OKX would stream it). */
  setBook(instId: string, book: { bids: Array<[string, string]>; asks: Array<[string, string]> }): void {
    const b = this.book(instId);
    const bids: Array<[string, string]> = [...b.bids.keys()].map((p) => [p, '0']);
    const asks: Array<[string, string]> = [...b.asks.keys()].map((p) => [p, '0']);
    this.pushBook(instId, { bids: [...bids, ...book.bids], asks: [...asks, ...book.asks] });
  }

  /** Applies level changes (size "0" deletes) and pushes them as one `books` update, subject to the fault queue. */
  pushBook(instId: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): void {
    const b = this.book(instId);
    const bids = diff.bids ?? [];
    const asks = diff.asks ?? [];
    for (const [p, q] of bids) b.set('bid', p, q);
    for (const [p, q] of asks) b.set('ask', p, q);
    const prevSeqId = this.seqIds.get(instId)!;
    const seqId = prevSeqId + 1 + ((prevSeqId * 7) % 13);
    this.seqIds.set(instId, seqId);
    this.remember(instId, seqId);
    const fault = this.bookFaults.shift();
    if (fault === 'drop') return;
    let checksum = this.sendChecksums ? this.checksum(instId) : 0;
    if (fault === 'corrupt-checksum') checksum = (checksum ^ 0x5a5a) | 0 || 1;
    const row = { ...this.bookRow(bids, asks), ts: String(Date.now()), checksum, prevSeqId, seqId };
    const frame = { arg: { channel: 'books', instId }, action: 'update', data: [row] };
    this.broadcast(`books:${instId}`, frame);
    if (fault === 'duplicate') this.broadcast(`books:${instId}`, frame);
  }

  /** The next book pushes are dropped / sent twice / sent with a wrong checksum. */
  queueBookFaults(...faults: Array<'drop' | 'duplicate' | 'corrupt-checksum'>): void {
    this.bookFaults.push(...faults);
  }

  pushTrade(instId: string, trade: { px: string; sz: string; side: 'buy' | 'sell'; tradeId?: string }): void {
    const ts = String(Date.now());
    this.broadcast(`trades:${instId}`, { arg: { channel: 'trades', instId }, data: [{ instId, tradeId: trade.tradeId ?? String(this.nextTradeId++), px: trade.px, sz: trade.sz, side: trade.side, ts, count: '1' }] });
  }

  pushTicker(instId: string, t: { last: string; open24h: string }): void {
    const b = this.book(instId);
    const [bid] = b.top('bid', 1);
    const [ask] = b.top('ask', 1);
    this.broadcast(`tickers:${instId}`, {
      arg: { channel: 'tickers', instId },
      data: [{ instType: 'SPOT', instId, last: t.last, lastSz: '0.1', askPx: ask?.[0] ?? '', askSz: ask?.[1] ?? '', bidPx: bid?.[0] ?? '', bidSz: bid?.[1] ?? '', open24h: t.open24h, high24h: t.last, low24h: t.open24h, sodUtc0: t.open24h, sodUtc8: t.open24h, volCcy24h: '0', vol24h: '0', ts: String(Date.now()) }],
    });
  }

  pushCandle(instId: string, bar: string, row: [string, string, string, string, string, string, '0' | '1']): void {
    const [ts, o, h, l, c, vol, confirm] = row;
    this.broadcast(`candle${bar}:${instId}`, { arg: { channel: `candle${bar}`, instId }, data: [[ts, o, h, l, c, vol, vol, vol, confirm]] });
  }

  // ---- fault knobs

  /** The next REST request (optionally only for `path`) fails with this status (429 carries code 50011). */
  failNext(f: { status: number; code?: string; retryAfterSeconds?: number }, path?: string): void {
    this.failures.push({ ...f, ...(path ? { path } : {}) });
  }

  /** The next new order is refused per item with this sCode/sMsg. */
  refuseNextOrder(sCode = '51008', sMsg = 'Order failed. Insufficient USDT balance in account.'): void {
    this.refusals.push({ sCode, sMsg });
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

  // ---- account knobs

  /** Fills a resting order (in full, or `qty`) as maker at its price, pushed to logged-in sockets only. */
  fillResting(apiKey: string, clOrdId: string, qty?: string): void {
    const acct = this.accounts.get(apiKey)!;
    const o = acct.byClOrdId(clOrdId);
    if (!o || (o.state !== 'live' && o.state !== 'partially_filled')) throw new Error(`no resting order ${clOrdId}`);
    const rest = new Decimal(o.sz).minus(o.accFillSz);
    this.fill(acct, o, new Decimal(qty ?? rest), new Decimal(o.px), 'M');
  }

  cancelResting(apiKey: string, clOrdId: string): void {
    const acct = this.accounts.get(apiKey)!;
    const o = acct.byClOrdId(clOrdId);
    if (!o) throw new Error(`no order ${clOrdId}`);
    this.cancel(acct, o, '1');
  }

  // ---- internals: market

  book(instId: string): FakeBook {
    const b = this.books.get(instId);
    if (!b) throw new Error(`unknown instrument ${instId}`);
    return b;
  }

  private bookRow(bids: Array<[string, string]>, asks: Array<[string, string]>): Record<string, unknown> {
    const tpl = (loadFixture(DIR, 'books-push').data as Array<Record<string, unknown>>)[0]!;
    const level = ([p, q]: [string, string]) => [p, q, '0', new Decimal(q).isZero() ? '0' : '1'];
    return { ...tpl, bids: bids.map(level), asks: asks.map(level) };
  }

  private remember(instId: string, seqId: number): void {
    const b = this.book(instId);
    const v = b.view(20);
    const key = JSON.stringify([v.bids.map((l) => [l.price, l.quantity]), v.asks.map((l) => [l.price, l.quantity])]);
    const seen = this.truths.get(instId) ?? new Set<string>();
    seen.add(key);
    this.truths.set(instId, seen);
    const h = this.history.get(instId) ?? [];
    h.push({ seqId, bids: b.top('bid', 400), asks: b.top('ask', 400) });
    if (h.length > 50) h.shift();
    this.history.set(instId, h);
  }

  /** OKX's checksum: CRC-32 (signed) of `bid:size:ask:size…` over the top 25 levels, interleaved. */
  checksum(instId: string): number {
    const b = this.book(instId);
    const bids = b.top('bid', 25);
    const asks = b.top('ask', 25);
    const parts: string[] = [];
    for (let i = 0; i < 25; i++) {
      if (bids[i]) parts.push(`${bids[i]![0]}:${bids[i]![1]}`);
      if (asks[i]) parts.push(`${asks[i]![0]}:${asks[i]![1]}`);
    }
    return crc32(Buffer.from(parts.join(':'))) | 0;
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
    switch (endpoint) {
      case 'POST /api/v5/trade/order':
        return this.placeOrder(acct, body ?? {}, res);
      case 'POST /api/v5/trade/cancel-order': {
        const o = this.findOrder(acct, body?.ordId, body?.clOrdId);
        if (!o) return this.reply(res, 200, { code: '1', msg: 'All operations failed', data: [{ ordId: '', clOrdId: String(body?.clOrdId ?? ''), sCode: '51400', sMsg: 'Cancellation failed as the order has been filled, canceled or does not exist.' }] });
        if (o.state !== 'live' && o.state !== 'partially_filled') return this.reply(res, 200, { code: '1', msg: 'All operations failed', data: [{ ordId: o.ordId, clOrdId: o.clOrdId, sCode: '51401', sMsg: 'Cancellation failed as the order has been canceled.' }] });
        this.cancel(acct, o, '1');
        return this.reply(res, 200, { code: '0', msg: '', data: [{ ordId: o.ordId, clOrdId: o.clOrdId, sCode: '0', sMsg: '' }] });
      }
      case 'GET /api/v5/trade/order': {
        const o = this.findOrder(acct, url.searchParams.get('ordId'), url.searchParams.get('clOrdId'));
        if (!o) return this.reply(res, 200, { code: '51603', msg: 'Order does not exist', data: [] });
        return this.reply(res, 200, { code: '0', msg: '', data: [acct.orderRow(o)] });
      }
      case 'GET /api/v5/trade/fills': {
        const ordId = url.searchParams.get('ordId');
        const after = url.searchParams.get('after');
        const limit = Number(url.searchParams.get('limit') ?? 100);
        const rows = acct.fills.filter((f) => (!ordId || f.ordId === ordId) && (!after || BigInt(f.billId) < BigInt(after))).reverse().slice(0, limit);
        return this.reply(res, 200, { code: '0', msg: '', data: rows.map((f) => acct.fillRow(f)) });
      }
      case 'GET /api/v5/account/balance':
        return this.reply(res, 200, { code: '0', msg: '', data: [acct.balanceRow(Date.now())] });
      default:
        return this.reply(res, 404, { code: '50000', msg: 'not found', data: [] });
    }
  }

  private async onPublic(url: URL, res: ServerResponse): Promise<void> {
    if (url.pathname === '/api/v5/market/books' && this.snapshotDelayMs > 0) await new Promise((r) => setTimeout(r, this.snapshotDelayMs));
    switch (url.pathname) {
      case '/api/v5/public/time':
        return this.reply(res, 200, { code: '0', msg: '', data: [{ ts: String(Date.now()) }] });
      case '/api/v5/public/instruments': {
        const tpl = loadFixture(DIR, 'instrument');
        const data = [...this.instruments.values()].map((i) => ({ ...tpl, instId: i.instId, baseCcy: i.base, quoteCcy: i.quote, tickSz: i.tickSz, lotSz: i.lotSz, minSz: i.minSz, state: i.state }));
        return this.reply(res, 200, { code: '0', msg: '', data });
      }
      case '/api/v5/market/books': {
        const instId = url.searchParams.get('instId') ?? '';
        if (!this.books.has(instId)) return this.reply(res, 200, { code: '51001', msg: "Instrument ID doesn't exist", data: [] });
        const sz = Math.min(400, Number(url.searchParams.get('sz') ?? 1));
        const h = this.history.get(instId) ?? [];
        let snap = { seqId: this.seqIds.get(instId)!, bids: this.book(instId).top('bid', sz), asks: this.book(instId).top('ask', sz) };
        if (this.staleSnapshots > 0 && h.length >= 4) {
          this.staleSnapshots--;
          snap = h[h.length - 4]!;
        }
        const level = ([p, q]: [string, string]) => [p, q, '0', '1'];
        return this.reply(res, 200, { code: '0', msg: '', data: [{ asks: snap.asks.map(level), bids: snap.bids.map(level), ts: String(Date.now()), seqId: snap.seqId }] });
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

  private findOrder(acct: FakeOkxAccount, ordId: unknown, clOrdId: unknown): FakeOkxOrder | undefined {
    if (typeof ordId === 'string' && ordId) return acct.orders.get(ordId);
    if (typeof clOrdId === 'string' && clOrdId) return acct.byClOrdId(clOrdId);
    return undefined;
  }

  private placeOrder(acct: FakeOkxAccount, b: Record<string, unknown>, res: ServerResponse): void {
    const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
    const fail = (sCode: string, sMsg: string) => this.reply(res, 200, { code: '1', msg: 'All operations failed', data: [{ ordId: '', clOrdId: s('clOrdId'), tag: '', ts: String(Date.now()), sCode, sMsg }] });
    const refusal = this.refusals.shift();
    if (refusal) return fail(refusal.sCode, refusal.sMsg);
    const inst = this.instruments.get(s('instId'));
    if (!inst) return fail('51001', "Instrument ID doesn't exist");
    if (s('tdMode') !== 'cash') return fail('51000', 'Parameter tdMode error');
    const side = s('side');
    if (side !== 'buy' && side !== 'sell') return fail('51000', 'Parameter side error');
    if (!/^[A-Za-z0-9]{1,32}$/.test(s('clOrdId'))) return fail('51000', 'Parameter clOrdId error');
    if (acct.byClOrdId(s('clOrdId'))) return fail('51016', 'Duplicated client order ID');
    const ordType = s('ordType');
    if (!['market', 'limit', 'post_only', 'ioc', 'fok'].includes(ordType)) return fail('51000', 'Parameter ordType error');
    const sz = s('sz');
    if (!/^\d+(\.\d+)?$/.test(sz) || new Decimal(sz).lt(inst.minSz)) return fail('51020', 'Your order should meet or exceed the minimum order amount.');
    const book = this.book(inst.instId);
    const now = Date.now();
    const o: FakeOkxOrder = {
      instId: inst.instId, ordId: String(this.nextOrdId++), clOrdId: s('clOrdId'), side, ordType, px: s('px'), sz, tgtCcy: s('tgtCcy') || 'base_ccy',
      state: 'live', accFillSz: new Decimal(0), cost: new Decimal(0), cTime: now, uTime: now, cancelSource: '',
    };
    const touch = side === 'buy' ? book.best('ask') : book.best('bid');
    if (ordType === 'market') {
      if (!touch) return fail('51008', 'Order failed. No liquidity.');
      const qty = o.tgtCcy === 'quote_ccy' ? new Decimal(sz).div(touch).toDecimalPlaces(8, Decimal.ROUND_DOWN) : new Decimal(sz);
      if (!this.affordable(acct, inst, side, qty, new Decimal(touch))) return fail('51008', `Order failed. Insufficient ${side === 'buy' ? inst.quote : inst.base} balance in account.`);
      o.sz = qty.toFixed();
      acct.orders.set(o.ordId, o);
      this.reply(res, 200, { code: '0', msg: '', data: [{ ordId: o.ordId, clOrdId: o.clOrdId, tag: '', ts: String(now), sCode: '0', sMsg: 'Order placed' }] });
      this.pushOrder(acct, o);
      this.fill(acct, o, qty, new Decimal(touch), 'T');
      return;
    }
    if (!/^\d+(\.\d+)?$/.test(o.px)) return fail('51000', 'Parameter px error');
    const px = new Decimal(o.px);
    if (!px.mod(inst.tickSz).isZero()) return fail('51006', 'Order price is not within the price limit');
    const crosses = touch !== undefined && (side === 'buy' ? px.gte(touch) : px.lte(touch));
    if (ordType === 'post_only' && crosses) return fail('51015', 'Post only order would take liquidity');
    if (!this.affordable(acct, inst, side, new Decimal(sz), px)) return fail('51008', `Order failed. Insufficient ${side === 'buy' ? inst.quote : inst.base} balance in account.`);
    acct.orders.set(o.ordId, o);
    this.freeze(acct, inst, side, new Decimal(sz), px);
    this.reply(res, 200, { code: '0', msg: '', data: [{ ordId: o.ordId, clOrdId: o.clOrdId, tag: '', ts: String(now), sCode: '0', sMsg: 'Order placed' }] });
    this.pushOrder(acct, o);
    if (crosses) this.fill(acct, o, new Decimal(sz), new Decimal(touch!), 'T');
    else if (ordType === 'ioc' || ordType === 'fok') this.cancel(acct, o, '14');
  }

  private affordable(acct: FakeOkxAccount, inst: Required<FakeOkxInstrument>, side: string, qty: Decimal, px: Decimal): boolean {
    const need = side === 'buy' ? qty.times(px) : qty;
    return (acct.available.get(side === 'buy' ? inst.quote : inst.base) ?? new Decimal(0)).gte(need);
  }

  private freeze(acct: FakeOkxAccount, inst: Required<FakeOkxInstrument>, side: string, qty: Decimal, px: Decimal): void {
    const ccy = side === 'buy' ? inst.quote : inst.base;
    const v = side === 'buy' ? qty.times(px) : qty;
    acct.add(ccy, acct.available, v.neg());
    acct.add(ccy, acct.frozen, v);
  }

  private fill(acct: FakeOkxAccount, o: FakeOkxOrder, qty: Decimal, px: Decimal, execType: 'T' | 'M'): void {
    const inst = this.instruments.get(o.instId)!;
    const resting = o.ordType !== 'market' && !(o.accFillSz.isZero() && o.state === 'live' && execType === 'T' && false);
    const limitPx = o.ordType === 'market' ? px : new Decimal(o.px);
    const now = Date.now();
    // Release what was frozen for this quantity, then settle the trade.
    if (resting && o.ordType !== 'market') {
      const ccy = o.side === 'buy' ? inst.quote : inst.base;
      const v = o.side === 'buy' ? qty.times(limitPx) : qty;
      acct.add(ccy, acct.frozen, v.neg());
      acct.add(ccy, acct.available, v);
    }
    const notional = qty.times(px);
    const feeCcy = o.side === 'buy' ? inst.base : inst.quote;
    const fee = (o.side === 'buy' ? qty : notional).times(FEE_RATE).toDecimalPlaces(8, Decimal.ROUND_DOWN);
    if (o.side === 'buy') {
      acct.add(inst.quote, acct.available, notional.neg());
      acct.add(inst.base, acct.available, qty.minus(fee));
    } else {
      acct.add(inst.base, acct.available, qty.neg());
      acct.add(inst.quote, acct.available, notional.minus(fee));
    }
    o.accFillSz = o.accFillSz.plus(qty);
    o.cost = o.cost.plus(notional);
    o.state = o.accFillSz.gte(o.sz) ? 'filled' : 'partially_filled';
    o.uTime = now;
    const f: FakeOkxFill = {
      instId: o.instId, ordId: o.ordId, clOrdId: o.clOrdId, tradeId: String(this.nextTradeId++), billId: String(this.nextOrdId++), side: o.side,
      fillPx: px.toFixed(), fillSz: qty.toFixed(), fee: fee.isZero() ? '0' : fee.neg().toFixed(), feeCcy, execType, ts: now,
    };
    acct.fills.push(f);
    this.pushOrder(acct, o, f);
    this.pushBalances(acct);
  }

  private cancel(acct: FakeOkxAccount, o: FakeOkxOrder, source: string): void {
    const inst = this.instruments.get(o.instId)!;
    const rest = new Decimal(o.sz).minus(o.accFillSz);
    if (o.ordType !== 'market' && rest.gt(0)) {
      const ccy = o.side === 'buy' ? inst.quote : inst.base;
      const v = o.side === 'buy' ? rest.times(o.px) : rest;
      acct.add(ccy, acct.frozen, v.neg());
      acct.add(ccy, acct.available, v);
    }
    o.state = 'canceled';
    o.cancelSource = source;
    o.uTime = Date.now();
    this.pushOrder(acct, o);
    this.pushBalances(acct);
  }

  private pushOrder(acct: FakeOkxAccount, o: FakeOkxOrder, fill?: FakeOkxFill): void {
    const frame = JSON.stringify({ arg: { channel: 'orders', instType: 'SPOT', uid: '1' }, data: [acct.orderRow(o, fill)] });
    for (const c of this.conns) if (c.account === acct && c.channels.has('orders')) c.ws.send(frame);
  }

  private pushBalances(acct: FakeOkxAccount): void {
    const frame = JSON.stringify({ arg: { channel: 'account', uid: '1' }, data: [acct.balanceRow(Date.now())] });
    for (const c of this.conns) if (c.account === acct && c.channels.has('account')) c.ws.send(frame);
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
        const instId = arg.instId!;
        const b = this.book(instId);
        const row = { ...this.bookRow(b.top('bid', 400), b.top('ask', 400)), ts: String(Date.now()), checksum: this.sendChecksums ? this.checksum(instId) : 0, prevSeqId: -1, seqId: this.seqIds.get(instId)! };
        conn.ws.send(JSON.stringify({ arg, action: 'snapshot', data: [row] }));
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
