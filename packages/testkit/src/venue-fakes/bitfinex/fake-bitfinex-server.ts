/**
 * @module venue-fakes/bitfinex/fake-bitfinex-server
 * A local Bitfinex v2 server for tests, on 127.0.0.1: REST `/v2/…` (public configs, tickers, candles; authenticated
 * order submit/cancel, orders, order history, order trades, wallets) and the WebSocket `/ws/2` (public `book` P0
 * len 25, `trades`, `ticker`, `candles`; authenticated channel 0), in the documented formats (fixtures/SOURCES.md):
 *  - numbers are JSON numbers (as Bitfinex sends them); errors are `["error", CODE, "message"]` with HTTP 500;
 *  - authenticated REST calls are verified: `bfx-signature` = hex HMAC-SHA384 of `/api/v2/<path>` + nonce + body,
 *    nonces strictly increasing per key (else 10114 "nonce: small"); the WebSocket `auth` event likewise;
 *  - per-endpoint limits per minute are enforced; going over answers 429 `["error", 11010, "ratelimit: error"]` and
 *    blocks the endpoint for 60 s (`rateLimitAnswers` counts them);
 *  - `conf` flags: 131072 sends a `cs` checksum (CRC-32 of the top 25 levels) after every book message, 65536
 *    appends the connection's sequence number to every public message (and the authenticated sequence to channel 0);
 *  - knobs: book messages dropped with their sequence number consumed (a gap) or silently lost (only the checksum
 *    notices), corrupted checksums, dropped sockets, info 20051, refused orders; `fillResting` / `cancelResting`
 *    change orders on Bitfinex's side, told only to authenticated sockets open then.
 *
 * This file is the transport (HTTP with signatures and limits, WebSocket with `conf` flags, sequence numbers,
 * checksums and faults); the market's books are in fake-bitfinex-market.ts, the accounts' orders and fills in
 * fake-bitfinex-trading.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeBook } from '../shared/fake-book.ts';
import { closeLocal, listenLocal } from '../shared/local-server.ts';
import { FakeBitfinexAccount } from './fake-bitfinex-account.ts';
import { FakeBitfinexMarket, n, type FakeBfxPair, type TradeIds } from './fake-bitfinex-market.ts';
import { FakeBitfinexTrading, type Answer } from './fake-bitfinex-trading.ts';

export type { FakeBfxPair } from './fake-bitfinex-market.ts';

export interface FakeBitfinexOptions {
  pairs?: FakeBfxPair[];
  keys?: Record<string, { secret: string; balances?: Record<string, string> }>;
}

interface Conn {
  ws: WebSocket;
  flags: number;
  seq: number;
  authSeq: number;
  chans: Map<number, string>;
  account?: FakeBitfinexAccount;
}

const RATE: Record<string, number> = {
  'conf/pub:info:pair': 90,
  tickers: 30,
  candles: 30,
  'auth/w/order/submit': 90,
  'auth/w/order/cancel': 90,
  'auth/r/orders': 90,
  'auth/r/orders/hist': 90,
  'auth/r/order/trades': 90,
  'auth/r/wallets': 90,
};

export class FakeBitfinexServer {
  restBaseUrl = '';
  wsBaseUrl = '';
  readonly requests: Array<{ method: string; path: string; body: Record<string, unknown> | undefined; apiKey?: string }> = [];
  rateLimitAnswers = 0;
  /** Subscribe requests refused so far (`refuseSubscribes`). */
  refusedSubscribes = 0;
  private subscribeRefusals = 0;
  readonly market: FakeBitfinexMarket;
  readonly trading: FakeBitfinexTrading;
  private readonly ids: TradeIds = { nextTradeId: 900_000_000 };
  private readonly conns = new Set<Conn>();
  private readonly windows = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();
  private readonly failures: Array<{ path?: string; status: number }> = [];
  private bookFaults: Array<'gap' | 'lose' | 'corrupt-checksum'> = [];
  private nextChanId = 10;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(options: FakeBitfinexOptions = {}) {
    this.market = new FakeBitfinexMarket(options.pairs ?? [{ pair: 'BTCUSD', base: 'BTC', quote: 'USD' }], this.ids);
    this.trading = new FakeBitfinexTrading(this.market, this.ids, (acct, type, data) => {
      for (const c of this.conns) if (c.account === acct) this.pushAuthTo(c, type, data);
    });
    for (const [k, v] of Object.entries(options.keys ?? {})) this.accounts.set(k, new FakeBitfinexAccount(k, v.secret, v.balances ?? { USD: '100000', BTC: '1' }));
    this.http = createServer((req, res) => void this.onHttp(req, res));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  get pairs(): Map<string, Required<FakeBfxPair>> {
    return this.market.pairs;
  }

  get books(): Map<string, FakeBook> {
    return this.market.books;
  }

  get accounts(): Map<string, FakeBitfinexAccount> {
    return this.trading.accounts;
  }

  /** Every state each book's top 25 has been in, as the client's top-20 view: what a client may publish. */
  get truths(): Map<string, Set<string>> {
    return this.market.truths;
  }

  async listen(port = 0): Promise<this> {
    Object.assign(this, await listenLocal(this.http, port));
    return this;
  }

  async close(): Promise<void> {
    await closeLocal(this.http, this.wss, [...this.conns].map((c) => c.ws));
  }

  // ---- market knobs (fake-bitfinex-market.ts)

  book(symbol: string): FakeBook {
    return this.market.book(symbol);
  }

  /** Bitfinex's checksum: CRC-32 (signed) of `bidPrice:bidAmount:askPrice:askAmount:…` over the top 25, asks negative, numbers as JavaScript prints them. */
  checksum(symbol: string): number {
    return this.market.checksum(symbol);
  }

  /** Applies level changes (size "0" removes) and streams what changed in the top 25, subject to the fault queue. */
  pushBook(symbol: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): void {
    const updates = this.market.applyBook(symbol, diff);
    for (const c of this.conns) {
      for (const [chanId, name] of c.chans) {
        if (name !== `book:${symbol}`) continue;
        for (const u of updates) {
          const fault = this.bookFaults.shift();
          if (fault === 'lose') continue;
          if (fault === 'gap') {
            c.seq++;
            continue;
          }
          this.sendChannel(c, [chanId, u]);
          if (fault === 'corrupt-checksum') this.sendChecksum(c, chanId, symbol, 0x1234);
          else this.sendChecksum(c, chanId, symbol);
        }
      }
    }
  }

  /** The next book messages (per socket and update): 'gap' drops one with its sequence number consumed, 'lose' drops it silently, 'corrupt-checksum' sends a wrong `cs` after it. */
  queueBookFaults(...faults: Array<'gap' | 'lose' | 'corrupt-checksum'>): void {
    this.bookFaults.push(...faults);
  }

  pushTrade(symbol: string, t: { price: string; amount: string; id?: number }): void {
    const row = this.market.tradeRow(t);
    this.broadcast(`trades:${symbol}`, (chanId) => [chanId, 'te', row]);
  }

  pushTicker(symbol: string, t: { last: string; changeRelative: string }): void {
    const row = this.market.tickerRow(symbol, t);
    this.broadcast(`ticker:${symbol}`, (chanId) => [chanId, row]);
  }

  pushCandle(key: string, c: [number, string, string, string, string, string]): void {
    const [mts, ...rest] = c;
    this.broadcast(`candles:${key}`, (chanId) => [chanId, [mts, ...rest.map(n)]]);
  }

  // ---- fault knobs

  failNext(status: number, path?: string): void {
    this.failures.push({ status, ...(path ? { path } : {}) });
  }

  /** The next `count` subscribe requests are refused: error 10300, echoing the request as Bitfinex does. */
  refuseSubscribes(count: number): void {
    this.subscribeRefusals += count;
  }

  refuseNextOrder(code = 10001, msg = 'Invalid order: not enough exchange balance'): void {
    this.trading.refuseNextOrder(code, msg);
  }

  disconnectPublic(): void {
    for (const c of this.conns) if (!c.account) c.ws.terminate();
  }

  disconnectAuthenticated(): void {
    for (const c of this.conns) if (c.account) c.ws.terminate();
  }

  /** Sends `info` 20051 ("please reconnect") on every public socket. */
  askToReconnect(): void {
    for (const c of this.conns) if (!c.account) c.ws.send(JSON.stringify({ event: 'info', code: 20051, msg: 'Stopping. Please try to reconnect' }));
  }

  socketCount(): number {
    return this.conns.size;
  }

  subscribedChannels(): string[] {
    return [...this.conns].flatMap((c) => [...c.chans.values()]);
  }

  authenticated(apiKey: string): number {
    return [...this.conns].filter((c) => c.account?.apiKey === apiKey).length;
  }

  // ---- account knobs (fake-bitfinex-trading.ts)

  fillResting(apiKey: string, cid: number, qty?: string): void {
    this.trading.fillResting(apiKey, cid, qty);
  }

  cancelResting(apiKey: string, cid: number): void {
    this.trading.cancelResting(apiKey, cid);
  }

  // ---- internals: delivery

  private sendChecksum(c: Conn, chanId: number, symbol: string, xor = 0): void {
    if ((c.flags & 131072) === 0) return;
    this.sendChannel(c, [chanId, 'cs', (this.market.checksum(symbol) ^ xor) | 0]);
  }

  private sendChannel(c: Conn, msg: unknown[]): void {
    if (c.flags & 65536) msg.push(++c.seq);
    c.ws.send(JSON.stringify(msg));
  }

  private broadcast(name: string, make: (chanId: number) => unknown[]): void {
    for (const c of this.conns) for (const [chanId, ch] of c.chans) if (ch === name) this.sendChannel(c, make(chanId));
  }

  // ---- internals: HTTP

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      return this.error(res, 10020, 'request: invalid JSON', 400);
    }
    const path = url.pathname.replace(/^\/v2\//, '');
    const apiKey = req.headers['bfx-apikey'] as string | undefined;
    this.requests.push({ method: req.method ?? 'GET', path, body, ...(apiKey ? { apiKey } : {}) });
    const fi = this.failures.findIndex((f) => !f.path || f.path === path);
    if (fi >= 0) {
      const f = this.failures.splice(fi, 1)[0]!;
      if (f.status === 429) return this.rateLimited(res);
      res.writeHead(f.status, { 'Content-Type': 'application/json' });
      return void res.end('{"message":"internal error"}');
    }
    const family = path.startsWith('candles/') ? 'candles' : path.startsWith('auth/r/order/') ? 'auth/r/order/trades' : path;
    const limit = RATE[family];
    if (limit !== undefined) {
      const now = Date.now();
      if ((this.blocked.get(family) ?? 0) > now) return this.rateLimited(res);
      const w = (this.windows.get(family) ?? []).filter((t) => t > now - 60_000);
      w.push(now);
      this.windows.set(family, w);
      if (w.length > limit) {
        this.blocked.set(family, now + 60_000);
        return this.rateLimited(res);
      }
    }
    if (!path.startsWith('auth/')) {
      const a = this.market.publicRequest(path, url);
      return this.json(res, a.body, a.status);
    }
    const acct = this.authenticate(req, path, text);
    if (typeof acct === 'string') return this.error(res, acct === 'nonce' ? 10114 : 10100, acct === 'nonce' ? 'nonce: small' : 'apikey: invalid');
    this.trading.privateRequest(acct, family, path, body ?? {}, this.answer(res));
  }

  private answer(res: ServerResponse): Answer {
    return { json: (body, status) => this.json(res, body, status), error: (code, msg, status) => this.error(res, code, msg, status) };
  }

  private authenticate(req: IncomingMessage, path: string, body: string): FakeBitfinexAccount | 'key' | 'nonce' {
    const key = req.headers['bfx-apikey'];
    const nonce = req.headers['bfx-nonce'];
    const sig = req.headers['bfx-signature'];
    if (typeof key !== 'string' || typeof nonce !== 'string' || typeof sig !== 'string' || !/^\d+$/.test(nonce)) return 'key';
    const acct = this.accounts.get(key);
    if (!acct) return 'key';
    const expected = createHmac('sha384', acct.secret).update(`/api/v2/${path}${nonce}${body}`).digest();
    const got = Buffer.from(sig, 'hex');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return 'key';
    if (BigInt(nonce) <= acct.lastNonce) return 'nonce';
    acct.lastNonce = BigInt(nonce);
    return acct;
  }

  private rateLimited(res: ServerResponse): void {
    this.rateLimitAnswers++;
    this.error(res, 11010, 'ratelimit: error', 429);
  }

  private error(res: ServerResponse, code: number, msg: string, status = 500): void {
    this.json(res, ['error', code, msg], status);
  }

  private json(res: ServerResponse, body: unknown, status = 200): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  // ---- internals: WebSocket

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/ws/2') return void socket.destroy();
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, flags: 0, seq: 0, authSeq: 0, chans: new Map() };
      this.conns.add(conn);
      ws.on('close', () => this.conns.delete(conn));
      ws.on('message', (raw) => this.onFrame(conn, String(raw)));
      ws.send(JSON.stringify({ event: 'info', version: 2, serverId: 'fake-bitfinex', platform: { status: 1 } }));
    });
  }

  private onFrame(conn: Conn, text: string): void {
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const send = (o: unknown) => conn.ws.send(JSON.stringify(o));
    switch (ev.event) {
      case 'ping':
        return send({ event: 'pong', ts: Date.now(), cid: ev.cid });
      case 'conf':
        conn.flags = Number(ev.flags ?? 0);
        return send({ event: 'conf', status: 'OK', flags: conn.flags });
      case 'auth': {
        const acct = typeof ev.apiKey === 'string' ? this.accounts.get(ev.apiKey) : undefined;
        const payload = String(ev.authPayload ?? '');
        const nonce = String(ev.authNonce ?? '');
        const ok = acct && payload === `AUTH${nonce}` && /^\d+$/.test(nonce) && BigInt(nonce) > acct.lastNonce && ev.authSig === createHmac('sha384', acct.secret).update(payload).digest('hex');
        if (!ok || !acct) return send({ event: 'auth', status: 'FAILED', chanId: 0, code: 10100, msg: 'apikey: invalid' });
        acct.lastNonce = BigInt(nonce);
        conn.account = acct;
        send({ event: 'auth', status: 'OK', chanId: 0, userId: 1, auth_id: 'fake', caps: {} });
        this.pushAuthTo(conn, 'ws', acct.wallets());
        this.pushAuthTo(conn, 'os', [...acct.orders.values()].filter((o) => o.status.startsWith('ACTIVE') || o.status.startsWith('PARTIALLY')).map((o) => acct.orderArray(o)));
        return;
      }
      case 'subscribe': {
        const channel = String(ev.channel ?? '');
        // Bitfinex echoes the request in its error answer (channel, symbol or key, …), so the client knows which one failed.
        const refuse = (msg: string, code: number) => send({ ...ev, event: 'error', msg, code });
        const arg = channel === 'candles' ? String(ev.key ?? '') : String(ev.symbol ?? '');
        const symbol = channel === 'candles' ? arg.split(':').slice(2).join(':') : arg;
        if (!['book', 'trades', 'ticker', 'candles'].includes(channel) || !this.books.has(symbol)) return refuse('symbol: invalid', 10300);
        if (channel === 'book' && (ev.prec !== 'P0' || ev.len !== '25')) return refuse('len: invalid', 10300);
        const name = `${channel}:${arg}`;
        if (this.subscribeRefusals > 0) {
          this.subscribeRefusals--;
          this.refusedSubscribes++;
          return refuse('subscribe: failed', 10300);
        }
        if ([...conn.chans.values()].includes(name)) return refuse('subscribe: dup', 10301);
        if (conn.chans.size >= 25) return refuse('subscribe: limit', 10305);
        const chanId = this.nextChanId++;
        conn.chans.set(chanId, name);
        send({ event: 'subscribed', channel, chanId, ...(channel === 'candles' ? { key: arg } : { symbol, pair: symbol.slice(1) }), ...(channel === 'book' ? { prec: 'P0', freq: 'F0', len: '25' } : {}) });
        if (channel === 'book') {
          this.sendChannel(conn, [chanId, this.market.snapshotRows(symbol)]);
          this.sendChecksum(conn, chanId, symbol);
        } else if (channel === 'trades') this.sendChannel(conn, [chanId, []]);
        else if (channel === 'candles') {
          this.sendChannel(conn, [chanId, this.market.candleSnapshot(symbol)]);
        }
        return;
      }
      case 'unsubscribe': {
        const chanId = Number(ev.chanId);
        if (!conn.chans.delete(chanId)) return send({ event: 'error', msg: 'unsubscribe: invalid', code: 10400 });
        return send({ event: 'unsubscribed', status: 'OK', chanId });
      }
      default:
        return send({ event: 'error', msg: 'unknown event', code: 10000 });
    }
  }

  private pushAuthTo(conn: Conn, type: string, data: unknown): void {
    const msg: unknown[] = [0, type, data];
    if (conn.flags & 65536) msg.push(++conn.seq, ++conn.authSeq);
    conn.ws.send(JSON.stringify(msg));
  }
}

export async function startFakeBitfinexServer(options: FakeBitfinexOptions = {}): Promise<FakeBitfinexServer> {
  return new FakeBitfinexServer(options).listen(0);
}
