/**
 * Whole-stack helpers for the live-venue tests (Binance, OKX, Bitfinex, Deribit, Hyperliquid): the real server on a
 * temporary data directory with a venue's URLs pointed at its local fake, supabase-js login of the demo user, the
 * official centrifuge client, RPCs, a connected trading account, and polling of server-side state (which has no event
 * to await). A test file takes its venue with one call, `liveVenueStack` (or `startOkxStack`), which also closes it.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { startFakeBinanceServer, type FakeBinanceServer } from '@cadenza/testkit/venue-fakes/binance';
import { startFakeOkxServer, type FakeOkxServer } from '@cadenza/testkit/venue-fakes/okx';
import { startServer, type RunningServer, type StartOptions } from '../../src/server.ts';

export class LiveVenueStack {
  readonly dataDir: string;
  server: RunningServer | undefined;
  client: Centrifuge | undefined;

  constructor(
    name: string,
    private readonly options: () => StartOptions,
  ) {
    this.dataDir = mkdtempSync(join(tmpdir(), `cadenza-${name}-stack-`));
  }

  /** Starts (or restarts, on the same data directory) the server and connects the demo user. */
  async start(): Promise<void> {
    this.server = await startServer({ port: 0, host: '127.0.0.1', dataDir: this.dataDir, log: false, ...this.options() });
    const sb = createClient(this.server.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
    const { data: login, error } = await sb.auth.signInWithPassword({ email: this.server.demoUser!.email, password: this.server.demoUser!.password });
    assert.equal(error, null);
    this.client = new Centrifuge(this.server.wsUrl, { token: login.session!.access_token, websocket: WebSocket });
    const connected = new Promise<void>((resolve) => this.client!.once('connected', () => resolve()));
    this.client.connect();
    await connected;
  }

  async stop(): Promise<void> {
    this.client?.disconnect();
    this.client = undefined;
    await this.server?.close();
    this.server = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** An RPC's whole result, `{data}` or `{error}` (for tests of a refusal). */
  async call(method: string, params: unknown): Promise<{ data?: any; error?: { code: number; message: string } }> {
    return (await this.client!.rpc(method, params)).data as never;
  }

  /** An RPC that must succeed: its `data`. */
  async rpc(method: string, params: unknown): Promise<any> {
    const reply = await this.call(method, params);
    assert.equal(reply.error, undefined, `${method}: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  /** Subscribes a channel with the official client; publications are collected in the returned array. */
  async subscribe(channel: string): Promise<any[]> {
    const got: any[] = [];
    const sub = this.client!.newSubscription(channel);
    sub.on('publication', (ctx: PublicationContext) => got.push(ctx.data));
    const subscribed = new Promise<void>((resolve) => sub.once('subscribed', () => resolve()));
    sub.subscribe();
    await subscribed;
    return got;
  }

  /** An order reaching `status` (polled through `query.trade_order.get`). */
  async orderIn(tradingAccountId: string, tradeOrderId: string, status: string): Promise<any> {
    return eventually(async () => {
      const o = await this.rpc('query.trade_order.get', { tradeOrderId, tradingAccountId });
      return o.status === status ? o : undefined;
    }, `${tradeOrderId} ${status}`);
  }
}

/** A local fake venue server a stack points a venue at. */
export interface FakeVenueServer {
  close(): Promise<void>;
}

/**
 * A test file's live venue: the fake `startFake` starts (seeded as the file needs) and the server pointed at it by
 * `options`, started now with the demo user connected. After the file's tests the server stops, its data directory
 * goes and the fake closes. Called at the top level of a test file, where it registers that `after` hook.
 */
export async function liveVenueStack<F extends FakeVenueServer>(name: string, startFake: () => Promise<F>, options: (fake: F) => StartOptions): Promise<{ fake: F; stack: LiveVenueStack }> {
  const fake = await startFake();
  const stack = new LiveVenueStack(name, () => options(fake));
  after(async () => {
    await stack.dispose();
    await fake.close();
  });
  await stack.start();
  return { fake, stack };
}

/** A credential as `command.credential.create` takes it. */
export interface VenueCredential {
  credentialType: 'HMAC' | 'API_KEY';
  apiKey: string;
  secretKey: string;
  secretPassphrase?: string;
}

/** A new trading account of the demo user on `venue` with `credential`, connected (ACTIVE); the stored credential as answered. */
export async function connectedAccount(stack: LiveVenueStack, venue: string, nickname: string, credential: VenueCredential): Promise<{ tradingAccountId: string; credential: any }> {
  const { tradingAccountId } = await stack.rpc('command.trading_account.create', { tradingAccount: { venue, nickname } });
  const stored = await stack.rpc('command.credential.create', { tradingAccountId, venue, ...credential });
  assert.equal((await stack.rpc('command.trading_account.connect', { tradingAccount: { tradingAccountId } })).status, 'ACTIVE');
  return { tradingAccountId, credential: stored };
}

/**
 * The fake OKX holding one key (10,000 USDT, 0.5 BTC) and a BTC-USDT book at 64,000.0 / 64,000.5, and the server
 * pointed at it, for the whole test file (`liveVenueStack`).
 */
export function startOkxStack(name: string, key: VenueCredential): Promise<{ fake: FakeOkxServer; stack: LiveVenueStack }> {
  return liveVenueStack(
    name,
    async () => {
      const fake = await startFakeOkxServer({ keys: { [key.apiKey]: { secret: key.secretKey, passphrase: key.secretPassphrase ?? '', balances: { USDT: '10000', BTC: '0.5' } } } });
      fake.setBook('BTC-USDT', { bids: [['64000.0', '1.5'], ['63999.5', '2']], asks: [['64000.5', '0.7'], ['64001.0', '3']] });
      return fake;
    },
    (fake) => ({ venues: ['PAPER', 'OKX'], endpoints: { OKX: { restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl } } }),
  );
}

/**
 * The fake Binance holding one key (10,000 USDT, 0.5 BTC) and a BTCUSDT book at 64,000.00 / 64,000.50, and the server
 * pointed at it, for the whole test file (`liveVenueStack`).
 */
export function startBinanceStack(name: string, key: VenueCredential): Promise<{ fake: FakeBinanceServer; stack: LiveVenueStack }> {
  return liveVenueStack(
    name,
    async () => {
      const fake = await startFakeBinanceServer({ keys: { [key.apiKey]: { secret: key.secretKey, balances: { USDT: '10000', BTC: '0.5' } } } });
      fake.setBook('BTCUSDT', { bids: [['64000.00', '1.5'], ['63999.50', '2']], asks: [['64000.50', '0.7'], ['64001.00', '3']] });
      return fake;
    },
    (fake) => ({ venues: ['PAPER', 'BINANCE'], binance: { restBaseUrl: fake.restBaseUrl, wsBaseUrl: fake.wsBaseUrl } }),
  );
}

/** Re-checks `check` every 20 ms until it answers something truthy. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A published `OrderBook` as comparable text: `[[price, qty]…]` per side. */
export function publishedBookKey(b: { bids: Array<[string, string]>; asks: Array<[string, string]> }, depth = 20): string {
  return JSON.stringify([b.bids.slice(0, depth), b.asks.slice(0, depth)]);
}
