/**
 * @module server
 * The composition root: the only module that sees every package. It builds the stores, the auth service, the
 * venues, the domain, the gateway and the HTTP routes, wires them together and listens on one port.
 *
 *   HTTP  /auth/v1/*, /api/v3/auth/*   Supabase-compatible auth (built-in mode)
 *         /api/v3/*                     REST API, /api/v3/openapi.json, /docs (docs/rest-api.md)
 *         /api/v3/health, /health       health;  /metrics  Prometheus
 *   WS    /connection/websocket         Centrifugo client protocol (JSON and protobuf)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from 'pino';
import { channels, extensionRpcMethods, rpcMethods } from '@cadenza/contract';
import { GatewayNode, RedisBroker, RedisPresenceManager } from '@cadenza/gateway';
import { createAuthService, forwardedClientAddress } from '@cadenza/auth';
import { createCadenza, toOrderBook, toTicker, toKline, toMarketTrade, type Cadenza, type MarketDataSink, type Venue, type VenueDeps } from '@cadenza/domain';
import { createRpcDispatcher } from './rpc/index.ts';
import { observedDispatcher } from './rpc/observed-dispatcher.ts';
import { loadCipher } from './infra/aes-gcm-cipher.ts';
import { prepareDataDir } from './infra/data-dir.ts';
import { systemClock, uuidSource } from './infra/system.ts';
import { openStores, type Stores } from './infra/stores.ts';
import { storeGate } from './rpc/store-gate.ts';
import { configFromEnv, configWarnings, type ServerConfig } from './config.ts';
import { createLogger, resolvedFormat } from './logging.ts';
import { httpRequestLog, loggedDispatcher } from './request-log.ts';
import { VenueConnectivity } from './venue-connectivity.ts';
import { venueHealthProbe, venueReachableSamples } from './http/venue-health.ts';
import { MarketDataBridge } from './bridge/market-data-bridge.ts';
import { createVenues, venueRateLimitSamples } from './venues.ts';
import { channelGrant, serverGatewayApp } from './gateway-app.ts';
import { gatewayHooks } from './gateway-hooks.ts';
import { Lifecycle } from './lifecycle.ts';
import { closeHttp, listen } from './http/listen.ts';
import { answerClientErrors } from './http/client-errors.ts';
import { channelNamespaces } from './channel-namespaces.ts';
import { centrifugoProxyRoutes } from './http/centrifugo-proxy.ts';
import { revocationPublisher } from './revocation-fanout.ts';
import { healthRoutes } from './http/health.ts';
import { metricsRoutes } from './http/metrics.ts';
import { apiV3Routes } from './http/api-v3/index.ts';
import { apiDocsRoutes } from './http/api-docs.ts';
import { consolePageConfig, consoleRoutes } from './http/console-assets.ts';

export const VERSION = '0.1.0';

export interface StartOptions extends Partial<Omit<ServerConfig, 'auth' | 'paper' | 'binance' | 'binanceSandbox' | 'endpoints' | 'gateway' | 'quotas'>> {
  quotas?: Partial<ServerConfig['quotas']>;
  /** Live venue base URLs by venue id (OKX, BITFINEX, …), merged over the environment's. */
  endpoints?: ServerConfig['endpoints'];
  gateway?: Partial<ServerConfig['gateway']>;
  auth?: Partial<ServerConfig['auth']>;
  paper?: Partial<ServerConfig['paper']>;
  binance?: ServerConfig['binance'];
  binanceSandbox?: ServerConfig['binanceSandbox'];
  /** false = silent logs (tests). */
  log?: boolean;
  /** Where log lines go instead of stdout (tests read them). */
  logTo?: NodeJS.WritableStream;
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
  /** The process's logger, and whether it writes pretty lines or JSON (main.ts places the banner by it). */
  log: Logger;
  logFormat: 'pretty' | 'json';
  gateway: GatewayNode;
  close(): Promise<void>;
}

/**
 * Builds and starts a complete Cadenza server. Options override the environment-derived defaults. The parts start in
 * this order and stop in reverse (lifecycle.ts): stores, auth, venues (the domain's start reads their instrument lists
 * and reconciles open orders with them), the domain, the gateway's Redis parts, HTTP, the gateway, the market-data
 * bridge.
 */
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
    quotas: { ...base.quotas, ...options.quotas },
  } as ServerConfig;
  if (options.log === false) config.logLevel = 'silent';
  const dataDir = prepareDataDir(config.dataDir);
  const logFormat = resolvedFormat(config.logFormat ?? 'auto');
  const log: Logger = createLogger({ level: config.logLevel, format: logFormat, ...(options.logTo ? { destination: options.logTo } : {}) });
  for (const warning of configWarnings()) log.warn(warning);
  if (dataDir.warning) log.warn({ dataDir: dataDir.path }, dataDir.warning);
  const lifecycle = new Lifecycle(log);
  try {
    return { ...(await assemble(config, options, log, lifecycle)), log, logFormat };
  } catch (err) {
    await lifecycle.stop();
    throw err;
  }
}

async function assemble(config: ServerConfig, options: StartOptions, log: Logger, lifecycle: Lifecycle): Promise<Omit<RunningServer, 'log' | 'logFormat'>> {
  // ---- stores: SQLite in the data dir, or PostgreSQL (CADENZA_DATABASE_URL)
  const stores = await openStores(config, log.child({ module: 'store' }));
  lifecycle.opened('stores', () => stores.close());

  // ---- auth
  const external = config.auth.jwksUrl || config.auth.jwtSecret;
  const auth = await createAuthService({
    store: stores.authStore,
    dataDir: config.dataDir,
    log: log.child({ module: 'auth' }),
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
    ...(config.auth.hmacSecret ? { hmacSecret: config.auth.hmacSecret } : {}),
    siteUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    ...(config.trustProxy ? { trustProxy: (address: string) => config.trustProxy!.has(address) } : {}),
    ...(external ? { external: { jwksUrl: config.auth.jwksUrl, jwtSecret: config.auth.jwtSecret, issuer: config.auth.issuer } } : {}),
  });
  lifecycle.opened('auth', () => auth.close());
  if (config.demoUser && !(await auth.users.findByEmail(config.demoUser.email))) {
    await auth.users.createUser({ email: config.demoUser.email, password: config.demoUser.password, userMetadata: { name: 'Demo trader' } });
    log.info({ email: config.demoUser.email }, 'seeded the demo user');
  }

  // ---- venues, the domain and market data. Venues report to the domain and the bridge, the domain and the bridge
  // publish through the gateway: each is built before anything can call it (nothing runs until the parts start).
  const publish = (channel: string, data: unknown) => {
    gateway.publish(channel, data).catch((err: unknown) => log.warn({ err, channel }, 'publish failed'));
  };
  const bridge = new MarketDataBridge({
    publish,
    getBook: (venue, symbol, depth) => cadenza.venues.get(venue)?.getBook(symbol, depth),
    convert: { toOrderBook, toTicker, toKline, toMarketTrade },
  });
  // Mark prices and funding settlements go to the domain (positions, margin); the rest of market data to the channels.
  const marketData: MarketDataSink = {
    onBookChanged: (venue, symbol) => bridge.onBookChanged(venue, symbol),
    onTrade: (trade) => bridge.onTrade(trade),
    onTicker: (ticker) => bridge.onTicker(ticker),
    onKline: (kline) => bridge.onKline(kline),
    onMarkPrice: (mark) => cadenza.derivatives.onMarkPrice(mark),
    onFunding: (funding) => cadenza.derivatives.onFunding(funding),
  };
  const clock = systemClock();
  // Every call to a live venue and every feed report is watched, for /health and /metrics (venue-connectivity.ts).
  const connectivity = new VenueConnectivity();
  const market = connectivity.sink(marketData);
  const rawVenues = createVenues(
    config,
    (id): VenueDeps => ({ execution: { onExecution: (e) => cadenza.execution.onExecution(e) }, market, clock, log: log.child({ venue: id }) }),
    options.extraVenues ?? [],
  );
  const venues = rawVenues.map((v) => connectivity.watch(v));
  const cadenza = createCadenza({
    store: stores.store,
    venues,
    clock,
    ids: uuidSource(),
    cipher: loadCipher({ dataDir: config.dataDir, masterKey: config.masterKey }),
    events: { publish },
    log: log.child({ module: 'domain' }),
    config: { ...config.quotas, system: { version: VERSION, documentation: `${config.publicUrl ?? ''}/docs` } },
  });
  const venueById = () => new Map(venues.map((v) => [v.id, v]));
  const metrics = serverMetrics(() => gateway, cadenza, rawVenues, stores, connectivity);
  const rpc = loggedDispatcher(
    observedDispatcher(
      storeGate(createRpcDispatcher(cadenza, { log: log.child({ module: 'rpc' }), system: { database: stores.available } }), stores.available),
      metrics.rpc.observe,
    ),
    log.child({ module: 'rpc' }),
  );

  // ---- gateway
  const redis = config.redisUrl ? { url: config.redisUrl, prefix: 'cadenza', log: log.child({ module: 'redis' }) } : undefined;
  const presence = redis ? new RedisPresenceManager(redis) : undefined;
  const gateway = new GatewayNode({
    ...(redis ? { broker: new RedisBroker(redis), presence: presence! } : {}),
    handlers: gatewayHooks(serverGatewayApp({ verifier: auth.verifier, cadenza, rpc, venues: venueById, toOrderBook, log: log.child({ module: 'gateway' }) })),
    log: log.child({ module: 'centrifuge' }),
    version: `cadenza ${VERSION}`,
    limits: config.gateway,
    namespaces: channelNamespaces,
    ...(config.trustProxy ? { clientAddress: (req) => forwardedClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], (a) => config.trustProxy!.has(a)) ?? '' } : {}),
  });
  // Gateway nodes in front of this server (proxy mode) hear of sign-outs through Redis.
  const revocations = config.redisUrl && config.proxySecret ? revocationPublisher(config.redisUrl, log) : undefined;
  auth.sessions.onRevoked(({ userId, sessionIds }) => {
    for (const sessionId of sessionIds) gateway.disconnectUser(userId, { sessionId, code: 3500, reason: 'invalid token', reconnect: false });
    revocations?.publish({ userId, sessionIds });
  });

  // ---- HTTP
  const app = new Hono();
  app.use(httpRequestLog(log.child({ module: 'http' })));
  app.route('/', healthRoutes(VERSION, [{ name: 'database', check: () => ({ status: stores.available() ? 'healthy' : 'unhealthy' }) }, venueHealthProbe(connectivity, rawVenues)]));
  app.route('/', metrics.app);
  app.route('/', auth.app);
  app.route('/', apiV3Routes({
    rpc,
    verifier: auth.verifier,
    log: log.child({ module: 'rest' }),
    venueStatus: (venue) => (cadenza.instruments.isReachable(venue) ? 'ONLINE' : 'OFFLINE'),
  }));
  app.route('/', apiDocsRoutes());
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
  answerClientErrors(http);
  http.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/connection/websocket') gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });

  await lifecycle.start([
    { name: 'venues', start: () => startEach(venues), stop: () => stopEach(venues) },
    { name: 'domain', start: () => cadenza.start(), stop: () => cadenza.stop() },
    { name: 'presence', stop: () => presence?.close() },
    { name: 'revocations', stop: () => revocations?.close() },
    { name: 'http', start: () => listen(http, config.port, config.host), stop: () => closeHttp(http) },
    // Stopped before HTTP closes: clients get Centrifugo's shutdown code (and reconnect) rather than a dropped socket.
    { name: 'gateway', stop: () => gateway.shutdown() },
    { name: 'market-data bridge', start: () => bridge.start(), stop: () => bridge.stop() },
  ]);
  const port = (http.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/connection/websocket`,
    port,
    config,
    demoUser: config.demoUser,
    database: stores.where,
    gateway,
    close: () => lifecycle.stop(),
  };
}

/** The Prometheus gauges and counters of the server (the README's "Operating it"). */
function serverMetrics(gateway: () => GatewayNode, cadenza: Cadenza, venues: Venue[], stores: Stores, connectivity: VenueConnectivity): ReturnType<typeof metricsRoutes> {
  const stats = () => gateway().stats();
  return metricsRoutes(
    [
      { name: 'cadenza_ws_connections', help: 'WebSocket connections that completed connect', read: () => stats().connections },
      { name: 'cadenza_ws_sockets', help: 'Open WebSocket sockets, connected or not yet', read: () => stats().sockets },
      { name: 'cadenza_ws_subscriptions', help: 'Channel subscriptions over all connections', read: () => stats().subscriptions },
      { name: 'cadenza_ws_channels', help: 'Channels with at least one subscriber', read: () => stats().channels },
      { name: 'cadenza_ws_messages_in_total', help: 'Protocol commands received', type: 'counter', read: () => stats().messagesIn },
      { name: 'cadenza_ws_messages_out_total', help: 'Protocol replies and pushes sent', type: 'counter', read: () => stats().messagesOut },
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
      {
        name: 'cadenza_venue_reachable',
        help: 'Per venue: 1 while it answers (or has not been needed yet), 0 while a call got no answer or one of its feeds is down',
        read: () => 0,
        labelNames: ['venue'],
        samples: () => venueReachableSamples(connectivity, venues),
      },
    ],
    new Set([...rpcMethods, ...extensionRpcMethods].map((m) => m.method)),
  );
}

async function startEach(venues: Venue[]): Promise<void> {
  for (const v of venues) await v.start();
}

async function stopEach(venues: Venue[]): Promise<void> {
  for (const v of venues) await v.stop();
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export { channels };
