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
import type { Venue, VenueDeps } from '@cadenza/domain';
import { observedDispatcher } from './rpc/observed-dispatcher.ts';
import { prepareDataDir } from './infra/data-dir.ts';
import { openAuthStore, openSqliteDomainStore, type DomainStoreHandle } from './infra/stores.ts';
import { configFromEnv, configWarnings, type ServerConfig } from './config.ts';
import { createLogger, resolvedFormat } from './logging.ts';
import { httpRequestLog, loggedDispatcher } from './request-log.ts';
import { venueHealthProbe, venueReachableSamples } from './http/venue-health.ts';
import { venueRateLimitSamples } from './venues.ts';
import { serverGatewayApp } from './gateway-app.ts';
import { gatewayHooks } from './gateway-hooks.ts';
import { Lifecycle, type Part } from './lifecycle.ts';
import { closeHttp, listen } from './http/listen.ts';
import { answerClientErrors } from './http/client-errors.ts';
import { channelNamespaces } from './channel-namespaces.ts';
import { centrifugoProxyRoutes } from './http/centrifugo-proxy.ts';
import { revocationPublisher } from './revocation-fanout.ts';
import { healthRoutes } from './http/health.ts';
import { metricsRoutes, type MetricsSource } from './http/metrics.ts';
import { apiV3Routes } from './http/api-v3/index.ts';
import { apiDocsRoutes } from './http/api-docs.ts';
import { consolePageConfig, consoleRoutes } from './http/console-assets.ts';
import { startDomainRuntime, type DomainRuntime } from './domain-runtime.ts';
import { domainUnavailable, routedDomain, type DomainAccess } from './cluster/domain-access.ts';
import { DomainSeat, type LeaseTimings, type SeatRole } from './cluster/domain-seat.ts';
import { CentrifugoApi } from './publish/centrifugo-api.ts';
import { CentrifugoPublisher } from './publish/centrifugo-publisher.ts';

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
  /** Several servers on PostgreSQL: the domain lease's timings (tests shorten them). */
  lease?: LeaseTimings;
  /**
   * This server must stop: it lost the domain lease, or its store found memory and database disagreeing. Default:
   * thrown on the event loop, so the process exits (a supervisor restarts it; it then follows the new holder).
   */
  onFatal?: (err: Error) => void;
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
  /** The built-in WebSocket gateway (not listening when a Centrifugo cluster fronts the server). */
  gateway: GatewayNode;
  /** Whether the trading domain runs here (`holder`), in another server (`follower`), or nowhere yet (`electing`). */
  domainRole(): SeatRole;
  close(): Promise<void>;
}

/**
 * Builds and starts a complete Cadenza server. Options override the environment-derived defaults. The parts start in
 * this order and stop in reverse (lifecycle.ts): stores, auth, the Centrifugo publisher, the trading domain (alone:
 * venues — whose instrument lists the domain's start reads and whose open orders it reconciles —, the domain and the
 * market-data bridge), the gateway's Redis parts, HTTP, the gateway; among several servers on PostgreSQL the domain
 * comes last instead, once HTTP answers: this server takes the domain lease or learns who holds it
 * (docs/scale-out.md).
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
  // ---- the auth store: SQLite in the data dir, or PostgreSQL (CADENZA_DATABASE_URL), shared by every server
  const stores = await openAuthStore(config, log.child({ module: 'store' }));
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
    // Behind Centrifugo, tokens name the user's own channel (subscribed at connect) and the login session (the
    // refresh proxy keeps the connection while the session lives), as a Supabase custom access token hook would.
    ...(config.centrifugo ? { extraClaims: (user: { id: string }, session: { id: string }) => ({ channels: [channels.user(user.id)], meta: { session_id: session.id } }) } : {}),
  });
  lifecycle.opened('auth', () => auth.close());
  if (config.demoUser && !(await auth.users.findByEmail(config.demoUser.email))) {
    await auth.users.createUser({ email: config.demoUser.email, password: config.demoUser.password, userMetadata: { name: 'Demo trader' } });
    log.info({ email: config.demoUser.email }, 'seeded the demo user');
  }

  // ---- where channels are published: the built-in gateway (Redis-backed with CADENZA_REDIS_URL), or a Centrifugo
  // cluster's server API (CADENZA_CENTRIFUGO_API_URL). The gateway is built below; nothing publishes before it starts.
  const centrifugoApi = config.centrifugo ? new CentrifugoApi({ url: config.centrifugo.apiUrl, key: config.centrifugo.apiKey }) : undefined;
  const publisher = centrifugoApi ? new CentrifugoPublisher({ api: centrifugoApi, log: log.child({ module: 'centrifugo' }) }) : undefined;
  let gatewayOpen = true;
  const publishFailed = (err: unknown, channel: string): void => log.warn({ err, channel }, 'publish failed');
  const publish = publisher
    ? (channel: string, data: unknown) => publisher.publish(channel, data)
    : (channel: string, data: unknown) => {
        if (gatewayOpen) gateway.publishDetached(channel, data, publishFailed);
      };
  if (publisher) {
    lifecycle.opened('centrifugo publisher', async () => {
      await publisher.close();
      centrifugoApi!.close();
    });
  }

  // ---- the trading domain: here (alone on SQLite), or in whichever server holds the domain lease (PostgreSQL)
  const startRuntime = (store: DomainStoreHandle['store'], storeAvailable: () => boolean) =>
    startDomainRuntime({ config, version: VERSION, store, storeAvailable, publish, log, extraVenues: options.extraVenues ?? [] });
  let alone: { store: DomainStoreHandle; runtime?: DomainRuntime } | undefined;
  const seat = config.databaseUrl
    ? new DomainSeat({
        databaseUrl: config.databaseUrl,
        ...(config.proxySecret ? { proxySecret: config.proxySecret } : {}),
        channelsShared: Boolean(config.redisUrl || config.centrifugo),
        startRuntime: (store) => startRuntime(store, () => store.isHealthy()),
        ...(options.lease ? { lease: options.lease } : {}),
        log: log.child({ module: 'cluster' }),
        onFatal: options.onFatal ?? ((err) => setImmediate(() => { throw err; })),
      })
    : undefined;
  if (!seat) {
    alone = { store: openSqliteDomainStore(config.dataDir, log.child({ module: 'store' })) };
    lifecycle.opened('domain store', () => alone!.store.close());
  }
  const local = (): DomainRuntime | undefined => alone?.runtime ?? seat?.local();
  const domain = routedDomain({ local, remote: () => seat?.remote() });
  const domainPart: Part = alone
    ? { name: 'domain', start: async () => void (alone!.runtime = await startRuntime(alone!.store.store, alone!.store.available)), stop: () => alone!.runtime?.stop() }
    : { name: 'domain seat', start: () => seat!.start(config.advertiseUrl ?? defaultAdvertised()), stop: () => seat!.close() };
  const storeAvailable = () => (alone ? alone.store.available() : (seat!.domainStore()?.isHealthy() ?? seat!.leaseReachable()));
  const role = (): SeatRole => (alone ? 'holder' : seat!.role);
  const metrics = serverMetrics({
    gateway: () => gateway,
    local,
    storeAvailable,
    queuedWrites: () => alone?.store.queuedWrites() ?? seat?.domainStore()?.backlog ?? 0,
    publisher,
  });
  const observed = (inner: DomainAccess['rpc']) => loggedDispatcher(observedDispatcher(inner, metrics.rpc.observe), log.child({ module: 'rpc' }));
  const rpc = observed(domain.rpc);

  // ---- gateway (not listening when Centrifugo fronts the server: clients connect there)
  const redis = config.redisUrl && !publisher ? { url: config.redisUrl, prefix: 'cadenza', log: log.child({ module: 'redis' }) } : undefined;
  const presence = redis ? new RedisPresenceManager(redis) : undefined;
  const gateway = new GatewayNode({
    ...(redis ? { broker: new RedisBroker(redis), presence: presence! } : {}),
    handlers: gatewayHooks(serverGatewayApp({ verifier: auth.verifier, rpc, grant: (caller, channel) => domain.grant(caller, channel), log: log.child({ module: 'gateway' }) })),
    log: log.child({ module: 'centrifuge' }),
    version: `cadenza ${VERSION}`,
    limits: config.gateway,
    namespaces: channelNamespaces,
    ...(config.trustProxy ? { clientAddress: (req) => forwardedClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], (a) => config.trustProxy!.has(a)) ?? '' } : {}),
  });
  // Gateway nodes in front of this server (proxy mode) hear of sign-outs through Redis.
  const revocations = config.redisUrl && config.proxySecret && !publisher ? revocationPublisher(config.redisUrl, log) : undefined;
  auth.sessions.onRevoked(({ userId, sessionIds }) => {
    if (centrifugoApi) {
      void cutInCentrifugo(userId);
      return;
    }
    for (const sessionId of sessionIds) gateway.disconnectUser(userId, { sessionId, code: 3500, reason: 'invalid token', reconnect: false });
    revocations?.publish({ userId, sessionIds });
  });
  /**
   * Centrifugo's server API cuts connections by user, so a user's connections are cut (3500, terminal) once none of
   * their login sessions is left; a session ended while others live keeps its connection until its access token
   * expires (then the refresh proxy, or the token check, refuses it) — docs/scale-out.md.
   */
  async function cutInCentrifugo(userId: string): Promise<void> {
    try {
      if ((await stores.authStore.listSessionIds(userId)).length > 0) return;
      await centrifugoApi!.call('disconnect', { user: userId, disconnect: { code: 3500, reason: 'invalid token' } });
    } catch (err) {
      log.warn({ err, userId }, "could not cut a signed-out user's connections in Centrifugo");
    }
  }

  // ---- HTTP
  const app = new Hono();
  app.use(httpRequestLog(log.child({ module: 'http' })));
  app.route('/', healthRoutes(VERSION, [
    { name: 'database', check: () => ({ status: storeAvailable() ? 'healthy' : 'unhealthy', domain: role(), ...(seat?.holder() ? { domainHolder: seat.holder() } : {}) }) },
    // Venues run where the domain runs; a follower has none to report.
    { name: 'venues', check: () => (local() ? venueHealthProbe(local()!.connectivity, local()!.venues).check() : { status: 'healthy', venues: {} }) },
  ]));
  app.route('/', metrics.app);
  app.route('/', auth.app);
  app.route('/', apiV3Routes({
    rpc,
    verifier: auth.verifier,
    log: log.child({ module: 'rest' }),
    // Venue reachability is known where the venues run; a follower reports them online.
    venueStatus: (venue) => (local()?.cadenza.instruments.isReachable(venue) === false ? 'OFFLINE' : 'ONLINE'),
  }));
  app.route('/', apiDocsRoutes());
  if (config.proxySecret) {
    // A call another server forwarded here is answered here, or refused as "moving": never forwarded again.
    const here: DomainAccess = {
      rpc: observed(routedDomain({ local, remote: () => undefined }).rpc),
      grant: (caller, channel) => (local() ?? domainUnavailable).grant(caller, channel),
    };
    const anywhere: DomainAccess = { rpc, grant: (caller, channel) => domain.grant(caller, channel) };
    app.route('/', centrifugoProxyRoutes({
      secret: config.proxySecret,
      domain: (forwarded) => (forwarded ? here : anywhere),
      isAdmin: async (userId) => (await auth.users.findById(userId))?.appMetadata.role === 'admin',
      identify: async (token) => {
        const claims = await auth.verifier.verify(token);
        // External tokens' sessions live in the Supabase project, not here: such connections expire with their token.
        return { userId: claims.sub, ...(claims.sessionId && !external ? { sessionId: claims.sessionId } : {}) };
      },
      sessionAlive: (sessionId) => auth.sessions.isActive(sessionId),
      log: log.child({ module: 'proxy' }),
    }));
  }
  app.route('/', consoleRoutes({ config: consolePageConfig(VERSION, { external: Boolean(external), ...config.auth }, config.demoUser?.email), log: log.child({ module: 'console' }) }));
  app.notFound((c) => c.json({ success: false, errno: 10404, error: 'not found', details: null }, 404));
  const http: Server = createServer(getRequestListener(app.fetch));
  answerClientErrors(http);
  http.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/connection/websocket' && !publisher) gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  if (publisher) log.info({ api: config.centrifugo!.apiUrl }, 'publishing through Centrifugo; WebSocket clients connect to Centrifugo, not here');

  await lifecycle.start([
    ...(alone ? [domainPart] : []),
    { name: 'presence', stop: () => presence?.close() },
    { name: 'revocations', stop: () => revocations?.close() },
    { name: 'http', start: () => listen(http, config.port, config.host), stop: () => closeHttp(http) },
    // Stopped before HTTP closes: clients get Centrifugo's shutdown code (and reconnect) rather than a dropped socket.
    { name: 'gateway', stop: () => ((gatewayOpen = false), gateway.shutdown()) },
    // Among several servers the seat comes once HTTP answers (the others reach the holder there) and leaves first:
    // its domain stops and commits, then the lease goes to a follower.
    ...(seat ? [domainPart] : []),
  ]);
  const { host, url } = urlOf(http);
  return {
    url,
    wsUrl: `ws://${host}/connection/websocket`,
    port: (http.address() as AddressInfo).port,
    config,
    demoUser: config.demoUser,
    database: stores.where,
    gateway,
    domainRole: role,
    close: () => lifecycle.stop(),
  };

  /** Listening on every interface means other machines may run servers of this database: loopback reaches none of them. */
  function defaultAdvertised(): string {
    const { url } = urlOf(http);
    if (config.host === '0.0.0.0' || config.host === '::') {
      log.warn({ advertised: url }, 'CADENZA_ADVERTISE_URL is not set: the other servers on this database will look for this one at a loopback address, which is right only for servers on this machine (docs/scale-out.md)');
    }
    return url;
  }

  /** Where this server answers (a wildcard listen address is reached through loopback). */
  function urlOf(server: Server): { host: string; url: string } {
    const port = (server.address() as AddressInfo).port;
    const name = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return { host: `${name}:${port}`, url: `http://${name}:${port}` };
  }
}

interface MetricsInputs {
  gateway(): GatewayNode;
  local(): DomainRuntime | undefined;
  storeAvailable(): boolean;
  queuedWrites(): number;
  publisher?: CentrifugoPublisher | undefined;
}

/** The Prometheus gauges and counters of the server (the README's "Operating it", docs/scale-out.md). */
function serverMetrics(m: MetricsInputs): ReturnType<typeof metricsRoutes> {
  const stats = () => m.gateway().stats();
  const sources: MetricsSource[] = [
    { name: 'cadenza_ws_connections', help: 'WebSocket connections that completed connect', read: () => stats().connections },
    { name: 'cadenza_ws_sockets', help: 'Open WebSocket sockets, connected or not yet', read: () => stats().sockets },
    { name: 'cadenza_ws_subscriptions', help: 'Channel subscriptions over all connections', read: () => stats().subscriptions },
    { name: 'cadenza_ws_channels', help: 'Channels with at least one subscriber', read: () => stats().channels },
    { name: 'cadenza_ws_messages_in_total', help: 'Protocol commands received', type: 'counter', read: () => stats().messagesIn },
    { name: 'cadenza_ws_messages_out_total', help: 'Protocol replies and pushes sent', type: 'counter', read: () => stats().messagesOut },
    { name: 'cadenza_open_orders', help: 'Trade orders not yet in a final status (on the server holding the trading domain)', read: () => m.local()?.cadenza.orders.openOrderCount() ?? 0 },
    { name: 'cadenza_market_holds_failing', help: 'Market streams held for emulated orders (trailing stops, held stop-losses) that the venue refused and that are being retried with back-off', read: () => m.local()?.cadenza.marketHolds.failing() ?? 0 },
    { name: 'cadenza_domain_holder', help: 'Whether the trading domain runs in this server (1), or in another one or nowhere yet (0)', read: () => (m.local() ? 1 : 0) },
    { name: 'cadenza_store_available', help: 'Whether the database answers (1) or not (0: commands refused with 10003, writes held)', read: () => (m.storeAvailable() ? 1 : 0) },
    { name: 'cadenza_store_queued_writes', help: 'Domain writes accepted but not yet committed (the PostgreSQL write-behind queue; grows while the database is away)', read: () => m.queuedWrites() },
    {
      name: 'cadenza_venue_rate_limit_events_total',
      help: 'Live-venue request budgets: throttled (waited for our own budget), rate_limited (429 answers), banned, refused (not sent during a back-off)',
      type: 'counter',
      read: () => 0,
      labelNames: ['venue', 'kind'],
      samples: () => venueRateLimitSamples(m.local()?.venues ?? []),
    },
    {
      name: 'cadenza_venue_reachable',
      help: 'Per venue: 1 while it answers (or has not been needed yet), 0 while a call got no answer or one of its feeds is down',
      read: () => 0,
      labelNames: ['venue'],
      samples: () => {
        const here = m.local();
        return here ? venueReachableSamples(here.connectivity, here.venues) : [];
      },
    },
  ];
  const p = m.publisher;
  if (p) {
    sources.push(
      { name: 'cadenza_centrifugo_publish_queue', help: 'Publications waiting for (or on their way to) Centrifugo', read: () => p.stats().queued },
      { name: 'cadenza_centrifugo_publications_total', help: 'Publications Centrifugo accepted', type: 'counter', read: () => p.stats().published },
      { name: 'cadenza_centrifugo_publications_refused_total', help: 'Publications Centrifugo refused', type: 'counter', read: () => p.stats().refused },
      { name: 'cadenza_centrifugo_publications_dropped_total', help: 'Publications dropped because the queue to Centrifugo was full', type: 'counter', read: () => p.stats().dropped },
      { name: 'cadenza_centrifugo_api_reachable', help: 'Whether the last request reached the Centrifugo API (1) or not (0)', read: () => (p.stats().reachable ? 1 : 0) },
    );
  }
  return metricsRoutes(sources, new Set([...rpcMethods, ...extensionRpcMethods].map((n) => n.method)));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export { channels };
