/**
 * @module server
 * The composition root: the only module that sees every package. It builds the stores, the auth service, the
 * venues, the domain, the gateway and the HTTP routes, wires them together and listens on one port.
 *
 *   HTTP  /auth/v1/*, /api/v3/auth/*   Supabase-compatible auth (built-in mode)
 *         /api/v3/*                     REST mirror of the RPC catalogue (contract §f)
 *         /api/v3/health, /health       health;  /metrics  Prometheus
 *   WS    /connection/websocket         Centrifugo client protocol (JSON and protobuf)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { getRequestListener } from '@hono/node-server';
import { pino, type Logger } from 'pino';
import { channels, rpcMethods } from '@cadenza/contract';
import { GatewayNode, RedisBroker, RedisPresenceManager } from '@cadenza/gateway';
import { createAuthService } from '@cadenza/auth';
import { createCadenza, toOrderBook, toTicker, toKline, toMarketTrade, type Venue, type VenueDeps, type ExecutionEvent } from '@cadenza/domain';
import { createRpcDispatcher } from './rpc/index.ts';
import { observedDispatcher } from './rpc/observed-dispatcher.ts';
import { loadCipher } from './infra/aes-gcm-cipher.ts';
import { prepareDataDir } from './infra/data-dir.ts';
import { systemClock, uuidSource } from './infra/system.ts';
import { openStores } from './infra/stores.ts';
import { storeGate } from './rpc/store-gate.ts';
import { configFromEnv, type ServerConfig } from './config.ts';
import { MarketDataBridge } from './bridge/market-data-bridge.ts';
import { createVenues, venueRateLimitSamples } from './venues.ts';
import { channelGrant, gatewayHandlers } from './gateway-handlers.ts';
import { channelNamespaces } from './channel-namespaces.ts';
import { centrifugoProxyRoutes } from './http/centrifugo-proxy.ts';
import { revocationPublisher } from './revocation-fanout.ts';
import { healthRoutes } from './http/health.ts';
import { metricsRoutes } from './http/metrics.ts';
import { apiV3Routes } from './http/api-v3/index.ts';
import { consolePageConfig, consoleRoutes } from './http/console-assets.ts';

export const VERSION = '0.1.0';

export interface StartOptions extends Partial<Omit<ServerConfig, 'auth' | 'paper' | 'binance' | 'binanceSandbox' | 'endpoints' | 'gateway'>> {
  /** Live venue base URLs by venue id (OKX, BITFINEX, …), merged over the environment's. */
  endpoints?: ServerConfig['endpoints'];
  gateway?: Partial<ServerConfig['gateway']>;
  auth?: Partial<ServerConfig['auth']>;
  paper?: Partial<ServerConfig['paper']>;
  binance?: ServerConfig['binance'];
  binanceSandbox?: ServerConfig['binanceSandbox'];
  /** false = silent logs (tests). */
  log?: boolean;
  /** Extra venues built by the caller (tests), keyed by their id. */
  extraVenues?: Array<(deps: VenueDeps) => Venue>;
}

export interface RunningServer {
  url: string;
  wsUrl: string;
  port: number;
  config: ServerConfig;
  demoUser: { email: string; password: string } | null;
  /** Where the data lives: `SQLite in <dir>` or `PostgreSQL <url without password>`. */
  database: string;
  gateway: GatewayNode;
  close(): Promise<void>;
}

/** Builds and starts a complete Cadenza server. Options override the environment-derived defaults. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const base = configFromEnv();
  const config: ServerConfig = {
    ...base,
    ...stripUndefined(options),
    auth: { ...base.auth, ...options.auth },
    paper: { ...base.paper, ...options.paper },
    binance: { ...base.binance, ...options.binance },
    binanceSandbox: { ...base.binanceSandbox, ...options.binanceSandbox },
    endpoints: { ...base.endpoints, ...options.endpoints },
    gateway: { ...base.gateway, ...options.gateway },
  } as ServerConfig;
  if (options.log === false) config.logLevel = 'silent';
  const dataDir = prepareDataDir(config.dataDir);
  const log: Logger = pino({ level: config.logLevel, redact: ['*.token', '*.password', '*.secretKey', '*.apiKey', 'token', 'password'] });
  if (dataDir.warning) log.warn({ dataDir: dataDir.path }, dataDir.warning);

  // ---- stores: SQLite in the data dir, or PostgreSQL (CADENZA_DATABASE_URL)
  const stores = await openStores(config, log.child({ module: 'store' }));
  const { store, authStore } = stores;

  // ---- auth
  const external = config.auth.jwksUrl || config.auth.jwtSecret;
  const auth = await createAuthService({
    store: authStore,
    dataDir: config.dataDir,
    log: log.child({ module: 'auth' }),
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
    ...(config.auth.hmacSecret ? { hmacSecret: config.auth.hmacSecret } : {}),
    siteUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    ...(external ? { external: { jwksUrl: config.auth.jwksUrl, jwtSecret: config.auth.jwtSecret, issuer: config.auth.issuer } } : {}),
  });
  if (config.demoUser && !(await auth.users.findByEmail(config.demoUser.email))) {
    await auth.users.createUser({ email: config.demoUser.email, password: config.demoUser.password, userMetadata: { name: 'Demo trader' } });
    log.info({ email: config.demoUser.email }, 'seeded the demo user');
  }

  // ---- market data → channels (the gateway is assigned below; venues may start publishing before it exists)
  let gateway: GatewayNode | undefined;
  let venues: Venue[] = [];
  const venueById = () => new Map(venues.map((v) => [v.id, v]));
  const publish = (channel: string, data: unknown) => {
    gateway?.publish(channel, data).catch((err: unknown) => log.warn({ err, channel }, 'publish failed'));
  };
  const bridge = new MarketDataBridge({
    publish,
    getBook: (venue, symbol, depth) => venueById().get(venue)?.getBook(symbol, depth),
    convert: { toOrderBook, toTicker, toKline, toMarketTrade },
  });

  // ---- domain
  const clock = systemClock();
  let onExecution: (e: ExecutionEvent) => void = () => undefined;
  const venueDeps = (id: string): VenueDeps => ({
    execution: { onExecution: (e) => onExecution(e) },
    market: bridge,
    clock,
    log: log.child({ venue: id }),
  });
  venues = createVenues(config, venueDeps, options.extraVenues ?? []);
  const cadenza = createCadenza({
    store,
    venues,
    clock,
    ids: uuidSource(),
    cipher: loadCipher({ dataDir: config.dataDir, masterKey: config.masterKey }),
    events: { publish },
    log: log.child({ module: 'domain' }),
    config: { system: { version: VERSION } },
  });
  onExecution = (e) => cadenza.execution.onExecution(e);
  const metrics = metricsRoutes(
    [
      { name: 'cadenza_ws_connections', help: 'WebSocket connections that completed connect', read: () => gateway?.stats().connections ?? 0 },
      { name: 'cadenza_ws_sockets', help: 'Open WebSocket sockets, connected or not yet', read: () => gateway?.stats().sockets ?? 0 },
      { name: 'cadenza_ws_subscriptions', help: 'Channel subscriptions over all connections', read: () => gateway?.stats().subscriptions ?? 0 },
      { name: 'cadenza_ws_channels', help: 'Channels with at least one subscriber', read: () => gateway?.stats().channels ?? 0 },
      { name: 'cadenza_ws_messages_in_total', help: 'Protocol commands received', type: 'counter', read: () => gateway?.stats().messagesIn ?? 0 },
      { name: 'cadenza_ws_messages_out_total', help: 'Protocol replies and pushes sent', type: 'counter', read: () => gateway?.stats().messagesOut ?? 0 },
      { name: 'cadenza_open_orders', help: 'Trade orders not yet in a final status', read: () => cadenza.orders.openOrderCount() },
      { name: 'cadenza_store_available', help: 'Whether the database answers (1) or not (0: commands refused with 10003, writes held)', read: () => (stores.available() ? 1 : 0) },
      { name: 'cadenza_store_queued_writes', help: 'Domain writes accepted but not yet committed (the PostgreSQL write-behind queue; grows while the database is away)', read: () => stores.queuedWrites() },
      {
        name: 'cadenza_venue_rate_limit_events_total',
        help: 'Live-venue request budgets: throttled (waited for our own budget), rate_limited (429 answers), banned, refused (not sent during a back-off)',
        type: 'counter',
        read: () => 0,
        labelNames: ['venue', 'kind'],
        samples: () => venueRateLimitSamples(venues),
      },
    ],
    new Set(rpcMethods.map((m) => m.method)),
  );
  const rpc = observedDispatcher(
    storeGate(createRpcDispatcher(cadenza, { log: log.child({ module: 'rpc' }), system: { database: stores.available } }), stores.available),
    metrics.rpc.observe,
  );

  // ---- gateway
  const redis = config.redisUrl ? { url: config.redisUrl, prefix: 'cadenza', log: log.child({ module: 'redis' }) } : undefined;
  const presence = redis ? new RedisPresenceManager(redis) : undefined;
  gateway = new GatewayNode({
    ...(redis ? { broker: new RedisBroker(redis), presence: presence! } : {}),
    handlers: gatewayHandlers({ verifier: auth.verifier, cadenza, rpc, venues: venueById, toOrderBook, log: log.child({ module: 'gateway' }) }),
    log: log.child({ module: 'centrifuge' }),
    version: `cadenza ${VERSION}`,
    limits: config.gateway,
    namespaces: channelNamespaces,
  });
  // Gateway nodes in front of this server (proxy mode) hear of sign-outs through Redis.
  const revocations = config.redisUrl && config.proxySecret ? revocationPublisher(config.redisUrl, log) : undefined;
  auth.sessions.onRevoked(({ userId, sessionIds }) => {
    for (const sessionId of sessionIds) gateway?.disconnectUser(userId, { sessionId, code: 3500, reason: 'invalid token', reconnect: false });
    revocations?.publish({ userId, sessionIds });
  });

  // ---- HTTP
  const app = new Hono();
  app.route('/', healthRoutes(VERSION, [{ name: 'database', check: () => ({ status: stores.available() ? 'healthy' : 'unhealthy' }) }]));
  app.route('/', metrics.app);
  app.route('/', auth.app);
  app.route('/', apiV3Routes({ rpc, verifier: auth.verifier, log: log.child({ module: 'rest' }) }));
  if (config.proxySecret) {
    app.route('/', centrifugoProxyRoutes({
      secret: config.proxySecret,
      rpc,
      grant: (caller, channel) => channelGrant({ cadenza, venues: venueById, toOrderBook }, caller, channel),
      isAdmin: async (userId) => (await auth.users.findById(userId))?.appMetadata.role === 'admin',
      log: log.child({ module: 'proxy' }),
    }));
  }
  app.route('/', consoleRoutes({ config: consolePageConfig(VERSION, { external: Boolean(external), ...config.auth }, config.demoUser?.email), log: log.child({ module: 'console' }) }));
  app.notFound((c) => c.json({ success: false, errno: 10404, error: 'not found', details: null }, 404));

  const http: Server = createServer(getRequestListener(app.fetch));
  http.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/connection/websocket') gateway!.handleUpgrade(req, socket, head);
    else socket.destroy();
  });

  // Venues first: the domain's start reads their instrument lists and reconciles open orders against them.
  for (const v of venues) await v.start();
  await cadenza.start();
  bridge.start();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}`;

  let closed = false;
  return {
    url,
    wsUrl: `ws://${host}:${port}/connection/websocket`,
    port,
    config,
    demoUser: config.demoUser,
    database: stores.where,
    gateway,
    async close() {
      if (closed) return;
      closed = true;
      bridge.stop();
      await gateway!.shutdown(); // closes the broker
      await presence?.close();
      await revocations?.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections?.();
      for (const v of venues) await v.stop();
      await cadenza.stop();
      await auth.close();
      await stores.close();
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export { channels };
