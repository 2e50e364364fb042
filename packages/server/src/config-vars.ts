/**
 * @module config-vars
 * The one table of every environment variable the server and the gateway node read: name, default, meaning and how
 * a value is checked. `config.ts` reads through it; `--help`, the README's configuration table and `.env.example`
 * are rendered from it (`config-docs.ts`, `npm run gen:config`), and a test keeps those files in step.
 *
 * A value that does not pass its check (`config-checks.ts`) stops the start with a message naming the variable;
 * secrets are never quoted back.
 */
import {
  DEFAULT_VENUES,
  LOG_FORMATS,
  LOG_LEVELS,
  base64Key,
  boolean,
  email,
  externalVenueList,
  integer,
  listenHost,
  oneOf,
  password,
  text,
  trustedProxies,
  url,
  venueList,
} from './config-checks.ts';

export { DEFAULT_VENUES, VENUE_IDS, didYouMean, type LogFormat, type LogLevel, type TrustedProxies } from './config-checks.ts';

/** Which program reads a variable: the server (`npm start`), the gateway node (`npm run start:gateway`), or both. */
export type VarScope = 'server' | 'gateway' | 'both';

export interface ConfigVar<T> {
  name: string;
  /** Older names read when `name` is unset. */
  aliases?: readonly string[];
  scope: VarScope;
  /** The default as shown in `--help`, the README and `.env.example` (markdown); `—` when there is none. */
  shown: string;
  /** What it does (markdown, one sentence or two). */
  meaning: string;
  /** Never quoted in a message, never given a value in `.env.example`. */
  secret?: boolean;
  /** Not written to `.env.example` (an older name, a variable documented under another). */
  hidden?: boolean;
  /** The value `.env.example` shows; default: the first code span of `shown`. */
  example?: string;
  /** Turns the text into the value; throws an `Error` whose message completes "NAME: …". */
  parse(raw: string): T;
}

function v<T>(spec: ConfigVar<T>): ConfigVar<T> {
  return spec;
}

// ---- the table ----------------------------------------------------------------------------------------------------

const restUrl = url(['http:', 'https:']);
const wsUrl = url(['ws:', 'wss:']);
const venueUrl = url(['http:', 'https:', 'ws:', 'wss:']);

function venueUrls(venue: string, rest: string, ws: string, meaning: string, hidden = false): [ConfigVar<string>, ConfigVar<string>] {
  return [
    // Unset is the venue's own endpoints, which a connector may complete (paths, a second host): no example value.
    v({ name: `${venue}_REST_URL`, scope: 'server', shown: rest, meaning: `${meaning}: REST base URL`, parse: restUrl, hidden, example: '' }),
    v({ name: `${venue}_WS_URL`, scope: 'server', shown: ws, meaning: `${meaning}: WebSocket base URL`, parse: wsUrl, hidden, example: '' }),
  ];
}

export const vars = {
  port: v({ name: 'PORT', scope: 'both', shown: '`8000` (gateway node `8001`)', meaning: 'the one HTTP + WebSocket port (`0` = any free port)', parse: integer(0, 65535) }),
  host: v({
    name: 'CADENZA_HOST',
    aliases: ['HOST'],
    scope: 'both',
    shown: '`127.0.0.1`',
    meaning: 'listen address (`HOST` is read too). `0.0.0.0` or `::` serve every interface: the server then refuses to start while the demo user is on with its published password',
    parse: listenHost,
  }),
  publicUrl: v({
    name: 'CADENZA_PUBLIC_URL',
    scope: 'server',
    shown: '`http://localhost:<PORT>`',
    meaning: 'the address clients reach the server at (e.g. `https://api.example.com` behind a reverse proxy): the start-up banner, links in auth mails, the issuer of built-in tokens',
    parse: restUrl,
  }),
  trustProxy: v({
    name: 'CADENZA_TRUST_PROXY',
    scope: 'both',
    shown: '— (off)',
    meaning: 'reverse proxies whose `X-Forwarded-For` is believed: IP addresses, CIDR ranges, `loopback`, `private` (comma-separated). The client address behind them counts for the per-IP connection cap and the auth rate limits; without it every client behind a proxy shares the proxy\'s address',
    parse: trustedProxies,
  }),
  dataDir: v({ name: 'CADENZA_DATA_DIR', scope: 'server', shown: '`./data`', meaning: 'SQLite databases, signing keys, the master key file; owner-only (directory 0700, files 0600, tightened at start)', parse: text(1) }),
  databaseUrl: v({
    name: 'CADENZA_DATABASE_URL',
    scope: 'server',
    shown: '— (SQLite in the data dir)',
    meaning: '`postgres://user:password@host:5432/db`: the domain and auth stores on PostgreSQL 15+ (tables created at start; keys stay in the data dir). Commands answer `10003` (temporary) while it is unreachable ([docs/storage.md](docs/storage.md))',
    secret: true,
    parse: (raw) => {
      if (!/^postgres(ql)?:\/\//.test(raw.trim())) throw new Error('must be a postgres:// URL (unset it to use the embedded SQLite files)');
      return raw.trim();
    },
  }),
  redisUrl: v({
    name: 'CADENZA_REDIS_URL',
    scope: 'both',
    shown: '— (in memory)',
    meaning: 'Redis for channel history, stream positions and presence: clients recover what they missed across a server restart; the gateway\'s multi-node broker ([docs/gateway.md](docs/gateway.md)). Required on a gateway node',
    parse: url(['redis:', 'rediss:']),
  }),
  logLevel: v({ name: 'CADENZA_LOG_LEVEL', scope: 'both', shown: '`info`', meaning: 'pino level: `fatal`, `error`, `warn`, `info`, `debug` (adds a line per HTTP request and RPC: method, user, duration, outcome), `trace`, `silent`; secrets are never logged', parse: oneOf(LOG_LEVELS) }),
  logFormat: v({ name: 'CADENZA_LOG_FORMAT', scope: 'both', shown: '`auto`', meaning: '`pretty` (human-readable lines), `json` (one JSON object a line), or `auto`: pretty when stdout is a terminal, JSON otherwise', parse: oneOf(LOG_FORMATS) }),
  venues: v({
    name: 'CADENZA_VENUES',
    scope: 'server',
    shown: `\`${DEFAULT_VENUES}\``,
    meaning: 'venues to run (`BINANCE_SANDBOX` may be added: the spot testnet under its deprecated name)',
    parse: venueList,
  }),
  externalVenues: v({
    name: 'CADENZA_EXTERNAL_VENUES',
    scope: 'server',
    shown: '—',
    meaning: 'contract venues (e.g. `IBKR,STONEX`; none of `CADENZA_VENUES`) run as market data only, fed by an external process through `command.orderbook.save`, `command.ticker.save`, `command.kline.save`; an admin saves their instruments (`command.instrument.save`) — [docs/domain.md](docs/domain.md)',
    parse: externalVenueList,
  }),
  paperSeed: v({ name: 'CADENZA_PAPER_SEED', scope: 'server', shown: '`724`', meaning: 'seed of the simulated market', parse: integer(0) }),
  paperLively: v({ name: 'CADENZA_PAPER_LIVELY', scope: 'server', shown: '`true`', meaning: '`false` = a quiet simulated market', parse: boolean }),
  paperFundingIntervalMs: v({ name: 'CADENZA_PAPER_FUNDING_INTERVAL_MS', scope: 'server', shown: '`28800000` (8 h)', meaning: 'time between funding settlements of the PAPER perpetuals, at multiples of it since the epoch ([docs/derivatives.md](docs/derivatives.md))', parse: integer(1000) }),
  masterKey: v({
    name: 'CADENZA_MASTER_KEY',
    scope: 'server',
    shown: 'generated `data/master.key`',
    meaning: 'base64 32-byte key encrypting venue credentials (AES-256-GCM)',
    secret: true,
    parse: base64Key,
  }),
  hmacSecret: v({
    name: 'CADENZA_AUTH_HMAC_SECRET',
    scope: 'server',
    shown: 'generated `data/keys/hmac.key`',
    meaning: '≥ 32 characters keying the stored digests of recovery codes and reauthentication nonces; the same on every instance sharing `auth.db`',
    secret: true,
    parse: text(32),
  }),
  accessTokenTtl: v({ name: 'CADENZA_ACCESS_TOKEN_TTL', scope: 'server', shown: '`3600`', meaning: 'access-token lifetime, seconds (30 to 604800)', parse: integer(30, 604_800) }),
  jwksUrl: v({ name: 'CADENZA_AUTH_JWKS_URL', scope: 'server', shown: '—', meaning: 'external mode: verify a real Supabase project\'s tokens with its JWKS (`https://<ref>.supabase.co/auth/v1/.well-known/jwks.json`); built-in auth endpoints and the demo user off', parse: restUrl }),
  jwtSecret: v({ name: 'CADENZA_AUTH_JWT_SECRET', scope: 'server', shown: '—', meaning: 'external mode for projects still on HS256: the project\'s JWT secret (≥ 32 characters)', secret: true, parse: text(32) }),
  issuer: v({ name: 'CADENZA_AUTH_ISSUER', scope: 'server', shown: '—', meaning: 'external mode: the issuer tokens must carry (`https://<ref>.supabase.co/auth/v1`)', parse: restUrl }),
  supabaseUrl: v({ name: 'CADENZA_SUPABASE_URL', scope: 'server', shown: 'the issuer without `/auth/v1`', meaning: 'external mode: where the web console signs users in ([docs/console.md](docs/console.md))', parse: restUrl }),
  anonKey: v({ name: 'CADENZA_SUPABASE_ANON_KEY', scope: 'server', shown: '—', meaning: 'external mode: the project\'s public anon key the web console sends', parse: text(1) }),
  demoUser: v({ name: 'CADENZA_DEMO_USER', scope: 'server', shown: '`on`', meaning: '`off` = no demo user is seeded (a user seeded earlier stays: `npm run admin -- delete-user`)', parse: boolean }),
  demoEmail: v({ name: 'CADENZA_DEMO_EMAIL', scope: 'server', shown: '`demo@cadenza.dev`', meaning: 'the seeded demo user\'s email', parse: email }),
  demoPassword: v({ name: 'CADENZA_DEMO_PASSWORD', scope: 'server', shown: '`cadenza-demo`', meaning: 'the seeded demo user\'s password (6 to 72 bytes); applies when the user is first seeded', secret: true, parse: password }),
  proxySecret: v({
    name: 'CADENZA_PROXY_SECRET',
    scope: 'both',
    shown: '— (off)',
    meaning: 'turns on the Centrifugo proxy endpoints `/centrifugo/rpc` and `/centrifugo/subscribe` for gateway nodes or a real Centrifugo; callers must send it as `X-Cadenza-Proxy-Secret`. Whoever holds it can act as any user: ≥ 16 characters, long and random, and keep `/centrifugo/*` off the public internet. Required on a gateway node',
    secret: true,
    parse: (raw) => {
      if (raw.length < 16) throw new Error('must be at least 16 characters (it lets its holder act as any user)');
      return raw;
    },
  }),
  centrifugoApiUrl: v({
    name: 'CADENZA_CENTRIFUGO_API_URL',
    scope: 'server',
    shown: '— (the built-in gateway)',
    meaning: 'a Centrifugo cluster in front ([docs/scale-out.md](docs/scale-out.md)): its server API, e.g. `http://127.0.0.1:8001/api`. Channels are published there (batched `/api/batch`), sign-outs cut connections there, and this server\'s own WebSocket endpoint is off. Needs `CADENZA_CENTRIFUGO_API_KEY` and `CADENZA_PROXY_SECRET`',
    parse: restUrl,
  }),
  centrifugoApiKey: v({
    name: 'CADENZA_CENTRIFUGO_API_KEY',
    scope: 'server',
    shown: '—',
    meaning: 'the Centrifugo nodes\' `http_api.key` (`CENTRIFUGO_HTTP_API_KEY`), sent as `X-API-Key`',
    secret: true,
    parse: text(1),
  }),
  advertiseUrl: v({
    name: 'CADENZA_ADVERTISE_URL',
    scope: 'server',
    shown: '`http://127.0.0.1:<PORT>`',
    meaning: 'several servers on one PostgreSQL: where the others reach this one (e.g. `http://10.0.0.5:8000`), recorded in the domain lease while it holds the trading domain; the others forward domain calls there ([docs/scale-out.md](docs/scale-out.md))',
    parse: restUrl,
  }),
  upstreamUrl: v({ name: 'CADENZA_UPSTREAM_URL', scope: 'gateway', shown: '— (required)', meaning: 'gateway node: the Cadenza server it fronts, e.g. `http://127.0.0.1:8000`', parse: restUrl }),
  gatewayWorkers: v({
    name: 'CADENZA_GATEWAY_WORKERS',
    scope: 'gateway',
    shown: '`1`',
    meaning: 'gateway node: processes sharing its port on this machine (`node:cluster`), each a whole node on the shared Redis — the number of cores uses them all for connections. A worker that dies is replaced; its clients reconnect to the others and recover. The connection limits count per process ([docs/scale-out.md](docs/scale-out.md))',
    parse: integer(1, 256),
  }),
  wsMaxConnections: v({ name: 'CADENZA_WS_MAX_CONNECTIONS', scope: 'both', shown: '`0` (unlimited)', meaning: 'open WebSocket connections; more are refused with 3504 connection limit', parse: integer(0) }),
  wsCommandsPerSecond: v({ name: 'CADENZA_WS_COMMANDS_PER_SECOND', scope: 'both', shown: '`10000`', meaning: 'commands per connection per second (token bucket); above it error 111 too many requests', parse: integer(0) }),
  wsMaxChannels: v({ name: 'CADENZA_WS_MAX_CHANNELS', scope: 'both', shown: '`128`', meaning: 'subscriptions per connection; more get error 106 limit exceeded', parse: integer(0) }),
  maxConnectionsPerUser: v({
    name: 'CADENZA_MAX_CONNECTIONS_PER_USER',
    scope: 'both',
    shown: '`100`',
    meaning: 'WebSocket connections of one user; one more is refused at connect with disconnect 3504 connection limit (Centrifugo\'s `user_connection_limit`; `0` = unlimited)',
    parse: integer(0),
  }),
  maxConnectionsPerIp: v({
    name: 'CADENZA_MAX_CONNECTIONS_PER_IP',
    scope: 'both',
    shown: '`1000`',
    meaning: 'open WebSocket sockets from one client address, connected or not; one more is closed at once with 3504 (`0` = unlimited). Behind a reverse proxy set `CADENZA_TRUST_PROXY`, or every client has the proxy\'s address',
    parse: integer(0),
  }),
  maxAccountsPerUser: v({
    name: 'CADENZA_MAX_ACCOUNTS_PER_USER',
    scope: 'server',
    shown: '`100`',
    meaning: 'trading accounts one user may hold (deleted ones do not count); one more is refused with `12009` TRADING_ACCOUNT_LIMIT_REACHED (`0` = unlimited; accounts an admin saves for a user are not counted against it)',
    parse: integer(0),
  }),
  maxOpenOrdersPerAccount: v({
    name: 'CADENZA_MAX_OPEN_ORDERS_PER_ACCOUNT',
    scope: 'server',
    shown: '`1000`',
    meaning: 'open orders one trading account may hold; one more submit is refused with `11014` OPEN_ORDER_LIMIT_REACHED until one closes (`0` = unlimited)',
    parse: integer(0),
  }),
  ...Object.fromEntries(
    (
      [
        ...venueUrls('BINANCE', '`https://api.binance.com`', '`wss://stream.binance.com:9443`', 'Binance'),
        ...venueUrls('BINANCE_UAT', '`https://testnet.binance.vision`', '`wss://stream.testnet.binance.vision`', 'Binance spot testnet'),
        ...venueUrls('BINANCE_SANDBOX', '—', '—', 'the spot testnet under its deprecated venue id `BINANCE_SANDBOX` (also read for `BINANCE_UAT` when its own are unset)', true),
        ...venueUrls('OKX', '`https://www.okx.com`', '`wss://ws.okx.com:8443`', 'OKX (`/api/v5`, `/ws/v5/public`, `/business`, `/private` are appended)'),
        ...venueUrls('OKX_UAT', '`https://www.okx.com`', '`wss://wspap.okx.com:8443`', 'OKX demo trading'),
        ...venueUrls('BITFINEX', '`https://api-pub.bitfinex.com`, `https://api.bitfinex.com`', '`wss://api-pub.bitfinex.com`, `wss://api.bitfinex.com`', 'Bitfinex (replaces both the public and the authenticated host; `/v2`, `/ws/2` appended)'),
        ...venueUrls('BITFINEX_UAT', 'as `BITFINEX_REST_URL`', 'as `BITFINEX_WS_URL`', 'Bitfinex paper trading (the TEST pairs)'),
        // Deribit serves HTTP and its WebSocket from one host: one base URL (`/api/v2`, `/ws/api/v2` appended).
        v({ name: 'DERIBIT_URL', scope: 'server', shown: '`https://www.deribit.com`', meaning: 'Deribit: base URL of its JSON-RPC API over HTTP and WebSocket (http(s) or ws(s); `/api/v2`, `/ws/api/v2` appended)', parse: venueUrl, example: '' }),
        ...venueUrls('HYPERLIQUID', '`https://api.hyperliquid.xyz`', '`wss://api.hyperliquid.xyz/ws`', 'Hyperliquid (`/info`, `/exchange` appended to the REST URL; a WebSocket URL without a path gets `/ws`)'),
        ...venueUrls('HYPERLIQUID_UAT', '`https://api.hyperliquid-testnet.xyz`', '`wss://api.hyperliquid-testnet.xyz/ws`', 'Hyperliquid testnet'),
        v({ name: 'DERIBIT_UAT_URL', scope: 'server', shown: '`https://test.deribit.com`', meaning: 'Deribit\'s test environment: base URL, as `DERIBIT_URL`', parse: venueUrl, example: '' }),
      ] as ConfigVar<string>[]
    ).map((c) => [c.name, c]),
  ),
} as const satisfies Record<string, ConfigVar<unknown>>;

/** Every variable, in the order `--help` and the README list them. */
export const allVars: readonly ConfigVar<unknown>[] = Object.values(vars);

/**
 * `CADENZA_*` names read by other programs of the project (the `cadenza` CLI, the SDKs' examples, test switches):
 * set in a shell they are no misspelling of a server variable.
 */
export const otherProgramsVars: readonly string[] = [
  'CADENZA_URL', 'CADENZA_WS_URL', 'CADENZA_CONFIG_DIR', 'CADENZA_EMAIL', 'CADENZA_PASSWORD', 'CADENZA_ACCOUNT', 'CADENZA_CONNECT_TIMEOUT_MS',
  'CADENZA_AUTH_URL', 'CADENZA_EXTERNAL_URL', 'CADENZA_CONSOLE_SCREENSHOTS', 'CADENZA_E2E_DEBUG',
];
