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
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Decimal } from 'decimal.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeBook } from '../shared/fake-book.ts';
import { closeLocal, listenLocal } from '../shared/local-server.ts';
import { FakeBitfinexAccount, fixtureArray, type FakeBfxOrder, type FakeBfxTrade } from './fake-bitfinex-account.ts';

export interface FakeBfxPair {
  /** Bitfinex pair without the `t`: 'BTCUSD', 'TESTBTC:TESTUSD'. */
  pair: string;
  base: string;
  quote: string;
  minSize?: string;
  maxSize?: string;
  last?: string;
}

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

const n = (d: Decimal | string) => new Decimal(d).toNumber();

export class FakeBitfinexServer {
  restBaseUrl = '';
  wsBaseUrl = '';
  readonly requests: Array<{ method: string; path: string; body: Record<string, unknown> | undefined; apiKey?: string }> = [];
  readonly pairs = new Map<string, Required<FakeBfxPair>>();
  readonly books = new Map<string, FakeBook>();
  readonly accounts = new Map<string, FakeBitfinexAccount>();
  /** Every state each book's top 25 has been in, as the client's top-20 view: what a client may publish. */
  readonly truths = new Map<string, Set<string>>();
  rateLimitAnswers = 0;
  private readonly conns = new Set<Conn>();
  private readonly windows = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();
  private readonly failures: Array<{ path?: string; status: number }> = [];
  private readonly refusals: Array<{ code: number; msg: string }> = [];
  private bookFaults: Array<'gap' | 'lose' | 'corrupt-checksum'> = [];
  private nextChanId = 10;
  private nextOrderId = 50_000_000;
  private nextTradeId = 900_000_000;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(options: FakeBitfinexOptions = {}) {
    for (const p of options.pairs ?? [{ pair: 'BTCUSD', base: 'BTC', quote: 'USD' }]) {
      this.pairs.set(p.pair, { minSize: '0.00004', maxSize: '2000', last: '64000', ...p });
      this.books.set(`t${p.pair}`, new FakeBook());
    }
    for (const [k, v] of Object.entries(options.keys ?? {})) this.accounts.set(k, new FakeBitfinexAccount(k, v.secret, v.balances ?? { USD: '100000', BTC: '1' }));
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

  book(symbol: string): FakeBook {
    const b = this.books.get(symbol);
    if (!b) throw new Error(`unknown symbol ${symbol}`);
    return b;
  }

  /** Applies level changes (size "0" removes) and streams what changed in the top 25, subject to the fault queue. */
  pushBook(symbol: string, diff: { bids?: Array<[string, string]>; asks?: Array<[string, string]> }): void {
    const b = this.book(symbol);
    const before = this.top25(symbol);
    for (const [p, q] of diff.bids ?? []) b.set('bid', p, q);
    for (const [p, q] of diff.asks ?? []) b.set('ask', p, q);
    this.remember(symbol);
    const after = this.top25(symbol);
    const updates: unknown[][] = [];
    for (const [key, [side, price]] of before) if (!after.has(key)) updates.push([n(price), 0, side === 'bid' ? 1 : -1]);
    for (const [key, [side, price, qty]] of after) {
      const old = before.get(key);
      if (!old || old[2] !== qty) updates.push([n(price), 1, side === 'bid' ? n(qty) : -n(qty)]);
    }
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
    const row = [t.id ?? this.nextTradeId++, Date.now(), n(t.amount), n(t.price)];
    this.broadcast(`trades:${symbol}`, (chanId) => [chanId, 'te', row]);
  }

  pushTicker(symbol: string, t: { last: string; changeRelative: string }): void {
    const b = this.book(symbol);
    const [bid] = b.top('bid', 1);
    const [ask] = b.top('ask', 1);
    const row = [n(bid?.[0] ?? '0'), n(bid?.[1] ?? '0'), n(ask?.[0] ?? '0'), n(ask?.[1] ?? '0'), 0, n(t.changeRelative), n(t.last), 1, n(t.last), n(t.last)];
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

  refuseNextOrder(code = 10001, msg = 'Invalid order: not enough exchange balance'): void {
    this.refusals.push({ code, msg });
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

  // ---- account knobs

  fillResting(apiKey: string, cid: number, qty?: string): void {
    const acct = this.accounts.get(apiKey)!;
    const o = acct.byCid(cid);
    if (!o || !(o.status.startsWith('ACTIVE') || o.status.startsWith('PARTIALLY'))) throw new Error(`no resting order with cid ${cid}`);
    this.execute(acct, o, new Decimal(qty ?? o.amount.abs()), o.price, true);
  }

  cancelResting(apiKey: string, cid: number): void {
    const acct = this.accounts.get(apiKey)!;
    const o = acct.byCid(cid);
    if (!o) throw new Error(`no order with cid ${cid}`);
    this.cancel(acct, o);
  }

  // ---- internals: market

  private top25(symbol: string): Map<string, [string, string, string]> {
    const b = this.book(symbol);
    const out = new Map<string, [string, string, string]>();
    for (const [p, q] of b.top('bid', 25)) out.set(`b${new Decimal(p).toFixed()}`, ['bid', p, new Decimal(q).toFixed()]);
    for (const [p, q] of b.top('ask', 25)) out.set(`a${new Decimal(p).toFixed()}`, ['ask', p, new Decimal(q).toFixed()]);
    return out;
  }

  private remember(symbol: string): void {
    const v = this.book(symbol).view(20);
    const key = JSON.stringify([v.bids.map((l) => [l.price, l.quantity]), v.asks.map((l) => [l.price, l.quantity])]);
    const seen = this.truths.get(symbol) ?? new Set<string>();
    seen.add(key);
    this.truths.set(symbol, seen);
  }

  /** Bitfinex's checksum: CRC-32 (signed) of `bidPrice:bidAmount:askPrice:askAmount:…` over the top 25, asks negative, numbers as JavaScript prints them. */
  checksum(symbol: string): number {
    const b = this.book(symbol);
    const bids = b.top('bid', 25);
    const asks = b.top('ask', 25);
    const parts: Array<number> = [];
    for (let i = 0; i < 25; i++) {
      if (bids[i]) parts.push(n(bids[i]![0]), n(bids[i]![1]));
      if (asks[i]) parts.push(n(asks[i]![0]), -n(asks[i]![1]));
    }
    return crc32(Buffer.from(parts.join(':'))) | 0;
  }

  private sendChecksum(c: Conn, chanId: number, symbol: string, xor = 0): void {
    if ((c.flags & 131072) === 0) return;
    this.sendChannel(c, [chanId, 'cs', (this.checksum(symbol) ^ xor) | 0]);
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
    if (!path.startsWith('auth/')) return this.onPublic(path, url, res);
    const acct = this.authenticate(req, path, text);
    if (typeof acct === 'string') return this.error(res, acct === 'nonce' ? 10114 : 10100, acct === 'nonce' ? 'nonce: small' : 'apikey: invalid');
    const b = body ?? {};
    switch (family) {
      case 'auth/r/wallets':
        return this.json(res, acct.wallets());
      case 'auth/w/order/submit':
        return this.submit(acct, b, res);
      case 'auth/w/order/cancel': {
        const o = typeof b.id === 'number' ? acct.orders.get(b.id) : typeof b.cid === 'number' ? acct.byCid(b.cid) : undefined;
        if (!o || !(o.status.startsWith('ACTIVE') || o.status.startsWith('PARTIALLY'))) return this.error(res, 10001, 'Order not found.');
        const note = [...fixtureArray('notification-cancel')];
        note[0] = Date.now();
        note[4] = acct.orderArray(o);
        note[7] = `Submitted for cancellation; waiting for confirmation (ID: ${o.id}).`;
        this.json(res, note);
        this.cancel(acct, o);
        return;
      }
      case 'auth/r/orders': {
        const ids = Array.isArray(b.id) ? (b.id as number[]) : undefined;
        return this.json(res, [...acct.orders.values()].filter((o) => (o.status.startsWith('ACTIVE') || o.status.startsWith('PARTIALLY')) && (!ids || ids.includes(o.id))).map((o) => acct.orderArray(o)));
      }
      case 'auth/r/orders/hist': {
        const ids = Array.isArray(b.id) ? (b.id as number[]) : undefined;
        return this.json(res, [...acct.orders.values()].filter((o) => !(o.status.startsWith('ACTIVE') || o.status.startsWith('PARTIALLY')) && (!ids || ids.includes(o.id))).reverse().map((o) => acct.orderArray(o)));
      }
      case 'auth/r/order/trades': {
        const m = /^auth\/r\/order\/(t[^:]+(?::[^:]+)?):(\d+)\/trades$/.exec(path);
        if (!m) return this.error(res, 10020, 'symbol: invalid');
        return this.json(res, acct.trades.filter((t) => t.symbol === m[1] && t.orderId === Number(m[2])).map((t) => acct.tradeArray(t, true)));
      }
      default:
        return this.error(res, 10020, 'unknown endpoint', 404);
    }
  }

  private onPublic(path: string, url: URL, res: ServerResponse): void {
    if (path === 'conf/pub:info:pair') {
      const tpl = (fixtureArray('pair-info')[0] as unknown[][])[0]! as [string, unknown[]];
      return this.json(res, [[...this.pairs.values()].map((p) => {
        const info = [...tpl[1]];
        info[3] = p.minSize;
        info[4] = p.maxSize;
        return [p.pair, info];
      })]);
    }
    if (path === 'tickers') {
      return this.json(res, [...this.pairs.values()].map((p) => {
        const row = [...fixtureArray('ticker')];
        const b = this.book(`t${p.pair}`);
        row[0] = `t${p.pair}`;
        row[1] = n(b.best('bid') ?? p.last);
        row[3] = n(b.best('ask') ?? p.last);
        row[7] = n(p.last);
        return row;
      }));
    }
    const m = /^candles\/trade:(\w+):(t[\w:]+)\/hist$/.exec(path);
    if (m) {
      const limit = Number(url.searchParams.get('limit') ?? 120);
      const step = m[1] === '1m' ? 60_000 : m[1] === '1h' ? 3_600_000 : 60_000;
      const now = Math.floor(Date.now() / step) * step;
      const last = n(this.pairs.get(m[2]!.slice(1))?.last ?? '100');
      return this.json(res, Array.from({ length: limit }, (_, i) => [now - i * step, last, last, last, last, 1]));
    }
    return this.error(res, 10020, 'unknown endpoint', 404);
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

  private submit(acct: FakeBitfinexAccount, b: Record<string, unknown>, res: ServerResponse): void {
    const refusal = this.refusals.shift();
    if (refusal) return this.error(res, refusal.code, refusal.msg);
    const symbol = String(b.symbol ?? '');
    const pair = this.pairs.get(symbol.slice(1));
    if (!pair) return this.error(res, 10001, 'symbol: invalid');
    const type = String(b.type ?? '');
    if (!['EXCHANGE LIMIT', 'EXCHANGE MARKET', 'EXCHANGE IOC', 'EXCHANGE FOK', 'EXCHANGE STOP', 'EXCHANGE STOP LIMIT', 'EXCHANGE TRAILING STOP'].includes(type)) return this.error(res, 10001, 'Invalid order: type');
    if (typeof b.amount !== 'string' || !/^-?\d+(\.\d+)?$/.test(b.amount)) return this.error(res, 10001, 'Invalid order: amount');
    if (typeof b.cid !== 'number' || !Number.isSafeInteger(b.cid)) return this.error(res, 10001, 'Invalid order: cid');
    const amount = new Decimal(b.amount);
    if (amount.abs().lt(pair.minSize)) return this.error(res, 10001, `Invalid order: minimum size for ${pair.base}/${pair.quote} is ${pair.minSize}`);
    const price = new Decimal(typeof b.price === 'string' ? b.price : '0');
    const buy = amount.gt(0);
    const book = this.book(symbol);
    const touch = buy ? book.best('ask') : book.best('bid');
    const execPrice = type === 'EXCHANGE MARKET' ? new Decimal(touch ?? '0') : price;
    const need = buy ? amount.times(execPrice) : amount.abs();
    const ccy = buy ? pair.quote : pair.base;
    if (acct.available(ccy).lt(need)) return this.error(res, 10001, `Invalid order: not enough exchange balance for ${amount.abs().toFixed()} ${pair.pair} at ${execPrice.toFixed()}`);
    const now = Date.now();
    const o: FakeBfxOrder = {
      id: this.nextOrderId++, cid: b.cid, cidDate: new Date(now).toISOString().slice(0, 10), symbol, amountOrig: amount, amount, type, price, flags: typeof b.flags === 'number' ? b.flags : 0,
      status: 'ACTIVE', created: now, updated: now,
    };
    const crosses = type !== 'EXCHANGE STOP' && touch !== undefined && (type === 'EXCHANGE MARKET' || (buy ? price.gte(touch) : price.lte(touch)));
    if ((o.flags & 4096) !== 0 && crosses) {
      o.status = 'POSTONLY CANCELED';
    } else if (type !== 'EXCHANGE MARKET') acct.add(acct.reserved, ccy, need);
    acct.orders.set(o.id, o);
    const note = [...fixtureArray('notification-submit')];
    note[0] = now;
    note[4] = [acct.orderArray(o)];
    this.json(res, note);
    this.pushAuth(acct, o.status === 'ACTIVE' ? 'on' : 'oc', acct.orderArray(o));
    if (o.status !== 'ACTIVE') return;
    if (crosses) this.execute(acct, o, amount.abs(), new Decimal(touch!), false);
    else if (type === 'EXCHANGE IOC' || type === 'EXCHANGE FOK') this.cancel(acct, o, `${type === 'EXCHANGE IOC' ? 'IOC' : 'FOK'} CANCELED`);
  }

  private execute(acct: FakeBitfinexAccount, o: FakeBfxOrder, qty: Decimal, price: Decimal, maker: boolean): void {
    const pair = this.pairs.get(o.symbol.slice(1))!;
    const buy = o.amountOrig.gt(0);
    const notional = qty.times(price);
    if (o.type !== 'EXCHANGE MARKET') acct.add(acct.reserved, buy ? pair.quote : pair.base, buy ? qty.times(o.price).neg() : qty.neg());
    const feeCcy = buy ? pair.base : pair.quote;
    const fee = (buy ? qty : notional).times(maker ? '0.001' : '0.002').toDecimalPlaces(8, Decimal.ROUND_DOWN);
    if (buy) {
      acct.add(acct.balance, pair.quote, notional.neg());
      acct.add(acct.balance, pair.base, qty.minus(fee));
    } else {
      acct.add(acct.balance, pair.base, qty.neg());
      acct.add(acct.balance, pair.quote, notional.minus(fee));
    }
    o.amount = buy ? o.amount.minus(qty) : o.amount.plus(qty);
    o.updated = Date.now();
    const filled = o.amountOrig.abs().minus(o.amount.abs());
    o.status = o.amount.isZero() ? `EXECUTED @ ${price.toFixed()}(${o.amountOrig.isNeg() ? '-' : ''}${filled.toFixed()})` : `PARTIALLY FILLED @ ${price.toFixed()}(${o.amountOrig.isNeg() ? '-' : ''}${filled.toFixed()})`;
    const t: FakeBfxTrade = { id: this.nextTradeId++, symbol: o.symbol, time: o.updated, orderId: o.id, execAmount: buy ? qty : qty.neg(), price, orderType: o.type, orderPrice: o.price, maker, fee, feeCcy, cid: o.cid };
    acct.trades.push(t);
    this.pushAuth(acct, 'te', acct.tradeArray(t, false));
    this.pushAuth(acct, o.amount.isZero() ? 'oc' : 'ou', acct.orderArray(o));
    this.pushAuth(acct, 'tu', acct.tradeArray(t, true));
    for (const c of [pair.base, pair.quote]) this.pushAuth(acct, 'wu', acct.walletArray(c));
  }

  private cancel(acct: FakeBitfinexAccount, o: FakeBfxOrder, status?: string): void {
    const pair = this.pairs.get(o.symbol.slice(1))!;
    const buy = o.amountOrig.gt(0);
    if (o.type !== 'EXCHANGE MARKET') acct.add(acct.reserved, buy ? pair.quote : pair.base, buy ? o.amount.times(o.price).neg() : o.amount.abs().neg());
    o.status = status ?? (o.status.startsWith('PARTIALLY') ? `CANCELED was: ${o.status}` : 'CANCELED');
    o.updated = Date.now();
    this.pushAuth(acct, 'oc', acct.orderArray(o));
    for (const c of [pair.base, pair.quote]) this.pushAuth(acct, 'wu', acct.walletArray(c));
  }

  private pushAuth(acct: FakeBitfinexAccount, type: string, data: unknown): void {
    for (const c of this.conns) if (c.account === acct) this.pushAuthTo(c, type, data);
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
        const arg = channel === 'candles' ? String(ev.key ?? '') : String(ev.symbol ?? '');
        const symbol = channel === 'candles' ? arg.split(':').slice(2).join(':') : arg;
        if (!['book', 'trades', 'ticker', 'candles'].includes(channel) || !this.books.has(symbol)) return send({ event: 'error', msg: 'symbol: invalid', code: 10300 });
        if (channel === 'book' && (ev.prec !== 'P0' || ev.len !== '25')) return send({ event: 'error', msg: 'len: invalid', code: 10300 });
        const name = `${channel}:${arg}`;
        if ([...conn.chans.values()].includes(name)) return send({ event: 'error', msg: 'subscribe: dup', code: 10301 });
        if (conn.chans.size >= 25) return send({ event: 'error', msg: 'subscribe: limit', code: 10305 });
        const chanId = this.nextChanId++;
        conn.chans.set(chanId, name);
        send({ event: 'subscribed', channel, chanId, ...(channel === 'candles' ? { key: arg } : { symbol, pair: symbol.slice(1) }), ...(channel === 'book' ? { prec: 'P0', freq: 'F0', len: '25' } : {}) });
        if (channel === 'book') {
          const b = this.book(symbol);
          const snap = [...b.top('bid', 25).map(([p, q]) => [n(p), 1, n(q)]), ...b.top('ask', 25).map(([p, q]) => [n(p), 1, -n(q)])];
          this.sendChannel(conn, [chanId, snap]);
          this.sendChecksum(conn, chanId, symbol);
        } else if (channel === 'trades') this.sendChannel(conn, [chanId, []]);
        else if (channel === 'candles') {
          const now = Math.floor(Date.now() / 60_000) * 60_000;
          const last = n(this.pairs.get(symbol.slice(1))!.last);
          this.sendChannel(conn, [chanId, [[now, last, last, last, last, 0], [now - 60_000, last, last, last, last, 1]]]);
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
