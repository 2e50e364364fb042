/**
 * @module cadenza-client
 * `CadenzaClient`: one connection to a Cadenza server over the official `centrifuge` client, with typed RPCs,
 * typed channel streams, a self-maintaining order book, account events and order helpers.
 *
 * - Tokens: pass a `token`, a `getToken`, or a `SessionManager` (from `CadenzaClient.login`); with the latter
 *   two centrifuge-js asks for a fresh token by itself before expiry and after a `109 token expired`.
 * - Errors: refusals inside an RPC result throw `CadenzaRpcError` (AABBB code); Centrifugo-level failures throw
 *   `ProtocolError`; with a `validator`, bad params/results throw `ValidationError` (see errors.ts).
 * - `centrifuge` is the raw client, for anything not wrapped here.
 */
import { Centrifuge, UnauthorizedError, type Options as CentrifugeOptions, type ServerPublicationContext } from 'centrifuge';
import type { AccountEvent, KlineInterval, MarketTrade, Received, RpcMethodName, RpcPagination, RpcParams, Venue } from '@cadenza/contract';
import { channels, rpcMethods } from '@cadenza/contract';
import { AuthError, CadenzaError, CadenzaRpcError, ProtocolError, toCadenzaError } from './errors.ts';
import { SessionManager, type AuthEndpointOptions } from './auth.ts';
import type { RpcValidator } from './validation.ts';
import { ChannelRegistry, ChannelStream } from './channel-stream.ts';
import { OrderBookView, type OrderBookOptions } from './order-book.ts';
import { AccountStream } from './account-stream.ts';
import { OrderHelpers } from './order-helpers.ts';
import type { RpcArgs, RpcData, RpcSuccess } from './rpc-types.ts';

export type { RpcArgs, RpcData, RpcSuccess } from './rpc-types.ts';


/** How to reach and authenticate to the server; every field is optional. */
export interface CadenzaClientOptions {
  /** Server base URL (HTTP). Default `http://localhost:8000`. The WebSocket URL is derived from it. */
  url?: string;
  /** Overrides the derived `ws(s)://host/connection/websocket`. */
  wsUrl?: string;
  /** A fixed access token (no refresh unless `getToken` or `session` is given too). */
  token?: string;
  /** Called by centrifuge-js whenever it needs a new token. */
  getToken?: () => Promise<string>;
  /** A logged-in session; the client refreshes it by itself. */
  session?: SessionManager;
  /** WebSocket constructor. Defaults to the global one; on Node < 22 the `ws` package is loaded by `connect()`. */
  websocket?: unknown;
  /** Runtime validation of params, results and market payloads (`createValidator()` from `/validation`). */
  validator?: RpcValidator;
  /** How long `connect()` waits before giving up. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Passed through to `new Centrifuge(url, options)` (timeouts, backoff, debug, name…). */
  centrifuge?: Partial<CentrifugeOptions>;
}

/** `CadenzaClient.login` options: the client options plus the credentials. */
export interface LoginOptions extends Omit<CadenzaClientOptions, 'session' | 'token' | 'getToken'> {
  email: string;
  password: string;
  /** `apikey` header for the auth endpoints. */
  apiKey?: string;
  fetch?: AuthEndpointOptions['fetch'];
  /** Called with each new session (after login and every refresh), e.g. to persist it. */
  onSession?: (session: SessionManager['session']) => void | Promise<void>;
}

/** The server a client talks to when no URL is given (a local `npm start`). */
export const DEFAULT_URL = 'http://localhost:8000';

const methodsWithData = new Set(rpcMethods.filter((m) => m.resultData !== null).map((m) => m.method));

/** `http://h:p` → `ws://h:p/connection/websocket` (https → wss). */
export function websocketUrl(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/connection/websocket`;
  u.search = '';
  return u.toString();
}

/** One connection to a Cadenza server; see the module note. */
export class CadenzaClient {
  readonly url: string;
  readonly wsUrl: string;
  readonly session: SessionManager | undefined;
  /** Order helpers: `submit`, `cancel`, `awaitClosed`, … (also reachable as client methods). */
  readonly orders: OrderHelpers;
  private raw: Centrifuge | undefined;
  private readonly opts: CadenzaClientOptions;
  private readonly registry: ChannelRegistry;
  private readonly userListeners = new Set<(event: AccountEvent, channel: string) => void>();
  private lastError: string | undefined;

  constructor(opts: CadenzaClientOptions = {}) {
    this.opts = opts;
    this.url = (opts.url ?? DEFAULT_URL).replace(/\/+$/, '');
    this.wsUrl = opts.wsUrl ?? websocketUrl(this.url);
    this.session = opts.session;
    this.registry = new ChannelRegistry(() => this.centrifuge);
    this.orders = new OrderHelpers(this);
    const ws = opts.websocket ?? (globalThis as { WebSocket?: unknown }).WebSocket;
    if (ws) this.build(ws);
  }

  /** Signs in with email and password and returns a client whose session refreshes by itself (not yet connected). */
  static async login(opts: LoginOptions): Promise<CadenzaClient> {
    const url = (opts.url ?? DEFAULT_URL).replace(/\/+$/, '');
    const session = await SessionManager.signIn({
      url,
      email: opts.email,
      password: opts.password,
      ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.onSession ? { onSession: opts.onSession } : {}),
    });
    await opts.onSession?.(session.session);
    return new CadenzaClient({ ...opts, url, session });
  }

  /** The raw centrifuge-js client (exists once a WebSocket implementation is known; always after `connect()`). */
  get centrifuge(): Centrifuge {
    if (!this.raw) throw new CadenzaError('no WebSocket implementation yet: call connect() first (Node < 22 loads the ws package there)');
    return this.raw;
  }

  /** The signed-in user's id (from the session, or the token's `sub`). */
  get userId(): string | undefined {
    if (this.session) return this.session.user.id;
    return this.opts.token ? jwtSubject(this.opts.token) : undefined;
  }

  /**
   * Connects and resolves once connected. Rejects on a terminal refusal (bad token…) or after the timeout; with
   * `retry: false` also on the first transport failure (server down), instead of retrying until the timeout.
   */
  async connect(opts: { retry?: boolean } = {}): Promise<void> {
    if (!this.raw) {
      const mod = 'ws';
      const ws = ((await import(/* @vite-ignore */ mod)) as { default: unknown }).default;
      this.build(ws);
    }
    const c = this.centrifuge;
    if (c.state === 'connected') return;
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = this.opts.connectTimeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        cleanup();
        c.disconnect();
        reject(new ProtocolError(1, `could not connect to ${this.wsUrl} within ${timeoutMs} ms${this.lastError ? `: ${this.lastError}` : ''}`, { temporary: true }));
      }, timeoutMs);
      const onConnected = () => {
        cleanup();
        resolve();
      };
      const onDisconnected = (ctx: { code: number; reason: string }) => {
        cleanup();
        reject(new ProtocolError(ctx.code, ctx.reason || 'disconnected', { target: this.wsUrl, temporary: false }));
      };
      const onError = (ctx: { type: string; error: { code: number; message: string } }) => {
        if (opts.retry !== false || ctx.type !== 'transport') return;
        cleanup();
        c.disconnect();
        reject(new ProtocolError(ctx.error.code, `cannot reach ${this.wsUrl} (${ctx.error.message})`, { temporary: true }));
      };
      const cleanup = () => {
        clearTimeout(timer);
        c.removeListener('connected', onConnected);
        c.removeListener('disconnected', onDisconnected);
        c.removeListener('error', onError);
      };
      c.on('connected', onConnected);
      c.on('disconnected', onDisconnected);
      c.on('error', onError);
      c.connect();
    });
  }

  /** Closes the connection (no reconnect); subscriptions stay registered and resume on `connect()`. */
  disconnect(): void {
    this.raw?.disconnect();
  }

  /**
   * Unsubscribes every channel, closes the connection and resolves once it is closed; nothing keeps the process
   * alive afterwards. The client is not meant to be used again.
   */
  async close(): Promise<void> {
    const c = this.raw;
    if (!c) return;
    for (const sub of Object.values(c.subscriptions())) {
      sub.unsubscribe();
      c.removeSubscription(sub);
    }
    if (c.state === 'disconnected') return;
    const closed = new Promise<void>((resolve) => c.once('disconnected', () => resolve()));
    c.disconnect();
    await closed;
  }

  /** Calls a method and returns its `data`. Throws `CadenzaRpcError` / `ProtocolError` / `ValidationError`. */
  async rpc<M extends RpcMethodName>(method: M, ...args: RpcArgs<M>): Promise<RpcData<M>> {
    const result = (await this.rpcResult(method, ...args)) as { data?: unknown };
    if ((result.data === undefined || result.data === null) && methodsWithData.has(method)) {
      throw new CadenzaError(`${method}: the server answered without data`);
    }
    return result.data as RpcData<M>;
  }

  /** Like `rpc` but returns the whole successful envelope (`data` and, on paginated lists, `pagination`). */
  async rpcResult<M extends RpcMethodName>(method: M, ...args: RpcArgs<M>): Promise<RpcSuccess<M>> {
    return (await this.rpcUntyped(method, args[0] ?? {})) as RpcSuccess<M>;
  }

  /** Any method by name, untyped (for methods the contract has no schema for). Same error mapping. */
  async rpcUntyped(method: string, params: unknown = {}): Promise<{ data?: unknown; pagination?: unknown }> {
    this.opts.validator?.params(method, params);
    let reply: { data: unknown };
    try {
      reply = await this.centrifuge.rpc(method, params);
    } catch (err) {
      throw toCadenzaError(err, method);
    }
    const result = reply.data as { data?: unknown; pagination?: unknown; error?: { code: number; message: string; temporary?: boolean } } | null;
    if (typeof result !== 'object' || result === null) throw new CadenzaError(`${method}: malformed RPC result ${JSON.stringify(result)}`);
    if (result.error) throw new CadenzaRpcError(method, result.error);
    this.opts.validator?.result(method, result);
    return result;
  }

  /** A local order book for `venue` / `symbol` (e.g. `'PAPER'`, `'BTC/USDT'`), resynced by itself after gaps. */
  orderBook(venue: Venue, symbol: string, opts?: OrderBookOptions): OrderBookView {
    return new OrderBookView(this.registry, async (id, depth) => await this.rpc('query.orderbook.get', { instrumentId: id, depth }), venue, symbol, opts);
  }

  /** Public trades (`market:trade:{VENUE}:{SYMBOL}`). */
  trades(venue: Venue, symbol: string): ChannelStream<MarketTrade> {
    return new ChannelStream<MarketTrade>(this.registry, channels.trades(venue, symbol));
  }

  /** Tickers for one instrument, or for every instrument of the venue when `symbol` is left out. */
  tickers(venue: Venue, symbol?: string): ChannelStream<Received.Ticker> {
    return new ChannelStream<Received.Ticker>(this.registry, channels.ticker(venue, symbol), this.modelCheck('Ticker'));
  }

  /** Klines (the forming bar repeats with `isClosed: false` until it closes). */
  klines(venue: Venue, symbol: string, interval: KlineInterval): ChannelStream<Received.Kline> {
    return new ChannelStream<Received.Kline>(this.registry, channels.kline(venue, symbol, interval), this.modelCheck('Kline'));
  }

  /** Events of one of the user's trading accounts (orders, portfolio, account). */
  account(tradingAccountId: string): AccountStream {
    return new AccountStream(this.registry, tradingAccountId);
  }

  /** Shorthand: order updates of one account. Returns a function that stops them. */
  onOrderUpdate(tradingAccountId: string, cb: (order: Received.RpcTradeOrder) => void): () => void {
    const s = this.account(tradingAccountId);
    s.onOrderUpdate(cb);
    return () => s.close();
  }

  /** Shorthand: portfolio updates of one account. Returns a function that stops them. */
  onPortfolio(tradingAccountId: string, cb: Parameters<AccountStream['onPortfolio']>[0]): () => void {
    const s = this.account(tradingAccountId);
    s.onPortfolio(cb);
    return () => s.close();
  }

  /** Events on the user's own `user:{userId}` channel (subscribed by the server at connect). */
  onUserEvent(cb: (event: AccountEvent, channel: string) => void): () => void {
    this.userListeners.add(cb);
    return () => this.userListeners.delete(cb);
  }

  /** See `OrderHelpers.submit`. */
  submitOrder(...args: Parameters<OrderHelpers['submit']>): ReturnType<OrderHelpers['submit']> {
    return this.orders.submit(...args);
  }

  /** See `OrderHelpers.cancel`. */
  cancelOrder(...args: Parameters<OrderHelpers['cancel']>): ReturnType<OrderHelpers['cancel']> {
    return this.orders.cancel(...args);
  }

  /** See `OrderHelpers.awaitClosed`. */
  awaitClosed(...args: Parameters<OrderHelpers['awaitClosed']>): ReturnType<OrderHelpers['awaitClosed']> {
    return this.orders.awaitClosed(...args);
  }

  private modelCheck(name: string): ((data: unknown) => void) | undefined {
    const v = this.opts.validator;
    return v ? (data) => v.model(name, data) : undefined;
  }

  private build(websocket: unknown): void {
    const session = this.session;
    const userGetToken = this.opts.getToken;
    // centrifuge-js asks for a token only when it needs a new one (first connect, refresh due, 109 expired).
    // Handing out the same token twice means the server no longer takes it (clock skew, revoked), so refresh.
    let handedOut: string | undefined;
    const getToken = session
      ? async () => {
          try {
            let token = await session.getAccessToken();
            if (token === handedOut) token = (await session.refresh()).access_token;
            handedOut = token;
            return token;
          } catch (err) {
            // A spent or revoked refresh token will not get better by retrying: stop reconnecting.
            if (err instanceof AuthError && !err.temporary) throw new UnauthorizedError(err.message);
            throw err;
          }
        }
      : userGetToken;
    const options: Partial<CentrifugeOptions> = {
      websocket,
      name: 'cadenza-client',
      ...(this.opts.token ? { token: this.opts.token } : {}),
      ...(getToken ? { getToken } : {}),
      ...this.opts.centrifuge,
    };
    const c = new Centrifuge(this.wsUrl, options);
    c.on('error', (ctx) => {
      this.lastError = ctx.error?.message;
    });
    c.on('publication', (ctx: ServerPublicationContext) => {
      if (!ctx.channel.startsWith('user:')) return;
      for (const l of this.userListeners) l(ctx.data as AccountEvent, ctx.channel);
    });
    this.raw = c;
  }
}

/** `sub` claim of a JWT, without verifying it (the server does that). */
export function jwtSubject(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0))));
    return typeof json.sub === 'string' ? json.sub : undefined;
  } catch {
    return undefined;
  }
}
