/**
 * @module config
 * Everything the server reads from its environment, in one typed object with embedded defaults, so that
 * `npm start` on a fresh clone works with no configuration at all. Every variable is read through the table in
 * `config-vars.ts`: a bad value stops the start with a message naming the variable, and every bad value is reported
 * at once; an unknown `CADENZA_*` name is a warning with the closest known name.
 */
import { resolve } from 'node:path';
import { DEFAULT_VENUES, allVars, didYouMean, otherProgramsVars, vars, type ConfigVar, type LogFormat, type LogLevel, type TrustedProxies } from './config-vars.ts';

export interface ServerConfig {
  /** TCP port of the single HTTP + WebSocket listener. 0 = ephemeral (tests). */
  port: number;
  /** Listen address: 127.0.0.1 unless CADENZA_HOST (or HOST) says otherwise. */
  host: string;
  /** Where SQLite databases, signing keys and the master key live. */
  dataDir: string;
  logLevel: LogLevel;
  /** `auto`: pretty lines when stdout is a terminal, JSON otherwise. */
  logFormat: LogFormat;
  /** Reverse proxies whose X-Forwarded-For is believed (CADENZA_TRUST_PROXY); none when absent. */
  trustProxy?: TrustedProxies;
  /** Venues to run. PAPER and MOCK need nothing; the live venues connect on demand. */
  venues: string[];
  /** Venues run as market data only, fed by an external process (CADENZA_EXTERNAL_VENUES); none when absent. */
  externalVenues?: string[];
  paper: { seed: number; lively: boolean; fundingIntervalMs: number };
  binance: { restBaseUrl?: string; wsBaseUrl?: string };
  binanceSandbox: { restBaseUrl?: string; wsBaseUrl?: string };
  /**
   * Base URLs of the other live venues by venue id, from `<VENUE>_REST_URL` / `<VENUE>_WS_URL` (OKX, OKX_UAT,
   * BITFINEX, BITFINEX_UAT, HYPERLIQUID, HYPERLIQUID_UAT, BINANCE_UAT — which also reads the older BINANCE_SANDBOX_* names) or `<VENUE>_URL` as
   * `restBaseUrl` (DERIBIT, DERIBIT_UAT: one host for HTTP and WebSocket); absent = the venue's own.
   */
  endpoints: Record<string, { restBaseUrl?: string; wsBaseUrl?: string }>;
  auth: {
    /** External mode (a real Supabase project): verify with its JWKS or HS256 secret; built-in endpoints are off. */
    jwksUrl?: string;
    jwtSecret?: string;
    issuer?: string;
    accessTokenTtlSeconds: number;
    /** External mode: the project's URL and public anon key, which the web console's supabase-js signs in with. */
    supabaseUrl?: string;
    anonKey?: string;
    /** Keys the digests of recovery codes and reauthentication nonces; else `<dataDir>/keys/hmac.key`. ≥ 32 chars. */
    hmacSecret?: string;
  };
  /** Seeded on first start so the quick start works (built-in auth only). */
  demoUser: { email: string; password: string } | null;
  /** Base64 of 32 bytes; otherwise a key file is generated in the data dir. */
  masterKey?: string;
  /** Public URL used in the start-up banner and auth e-mails. */
  publicUrl?: string;
  /**
   * Redis for the gateway's channel history, positions and presence (`redis://host:port`); the memory broker when
   * absent. With it, channel streams outlive a restart of the server: a client that reconnects after a restart
   * recovers what it missed instead of starting over.
   */
  redisUrl?: string;
  /**
   * PostgreSQL for the domain and auth stores (`postgres://user:password@host:5432/db`); the embedded SQLite files in
   * `dataDir` when absent (docs/storage.md).
   */
  databaseUrl?: string;
  /**
   * Shared secret of the Centrifugo proxy endpoints (`/centrifugo/rpc`, `/centrifugo/subscribe`) that separate
   * real-time nodes call (`npm run start:gateway`, or a real Centrifugo); the endpoints are off without it.
   */
  proxySecret?: string;
  /** Per-user quotas the domain keeps (0 = unlimited): CADENZA_MAX_ACCOUNTS_PER_USER, CADENZA_MAX_OPEN_ORDERS_PER_ACCOUNT. */
  quotas: { maxAccountsPerUser: number; maxOpenOrdersPerAccount: number };
  /**
   * A Centrifugo cluster in front (docs/scale-out.md): its server API (`http://host:8001/api`) and `http_api.key`.
   * Channels are then published there, sign-outs cut connections there, and this server's own WebSocket endpoint is
   * off (clients connect to Centrifugo, which calls the proxy endpoints; needs `proxySecret`).
   */
  centrifugo?: { apiUrl: string; apiKey: string };
  /**
   * How the other Cadenza servers on the same PostgreSQL reach this one (`http://10.0.0.5:8000`): the holder of the
   * trading domain is reached there. Default `http://127.0.0.1:<port>` (servers on one machine).
   */
  advertiseUrl?: string;
  /** Protections of the WebSocket endpoint (0 = unlimited). */
  gateway: { maxConnections: number; commandsPerSecond: number; maxChannelsPerConnection: number; maxConnectionsPerUser: number; maxConnectionsPerIp: number };
}

export const DEMO_USER = { email: 'demo@cadenza.dev', password: 'cadenza-demo' } as const;

/** What is wrong with the environment: one line per bad variable, each naming it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} configuration problems:\n  ${problems.join('\n  ')}`);
  }
}

/** Reads variables through their table entries, collecting every problem instead of stopping at the first. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The parsed value, or undefined when unset or empty (then the caller's default applies) or bad (a problem). */
  get<T>(spec: ConfigVar<T>): T | undefined {
    const named = [spec.name, ...(spec.aliases ?? [])].find((n) => this.env[n] !== undefined && this.env[n] !== '');
    if (named === undefined) return undefined;
    const raw = this.env[named]!;
    try {
      return spec.parse(raw);
    } catch (err) {
      const shown = spec.secret ? ' (value not shown)' : `=${quote(raw)}`;
      this.problem(`${named}${shown}: ${(err as Error).message}`);
      return undefined;
    }
  }

  problem(message: string): void {
    if (!this.problems.includes(message)) this.problems.push(message);
  }

  /** Throws a ConfigError naming every bad variable, if there was one. */
  check(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

function quote(raw: string): string {
  const points = [...raw.replace(/\p{C}/gu, '?')];
  return points.length <= 64 ? points.join('') : `${points.slice(0, 64).join('')}…`;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

/** Whether `host` is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Reads the configuration from environment variables (the table in config-vars.ts; README "Configuration"). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const r = new EnvReader(env);
  const jwksUrl = r.get(vars.jwksUrl);
  const jwtSecret = r.get(vars.jwtSecret);
  const external = Boolean(jwksUrl ?? jwtSecret);
  const demoOn = r.get(vars.demoUser) ?? true;
  const demoEmail = r.get(vars.demoEmail);
  const demoPassword = r.get(vars.demoPassword);
  const url = (name: string) => r.get(allVars.find((c) => c.name === name) as ConfigVar<string>);
  const endpoint = (venue: string, fallback?: string) => ({
    restBaseUrl: url(`${venue}_REST_URL`) ?? (fallback ? url(`${fallback}_REST_URL`) : undefined),
    wsBaseUrl: url(`${venue}_WS_URL`) ?? (fallback ? url(`${fallback}_WS_URL`) : undefined),
  });
  const config: ServerConfig = {
    port: r.get(vars.port) ?? 8000,
    host: r.get(vars.host) ?? '127.0.0.1',
    dataDir: resolve(r.get(vars.dataDir) ?? './data'),
    logLevel: r.get(vars.logLevel) ?? 'info',
    logFormat: r.get(vars.logFormat) ?? 'auto',
    venues: r.get(vars.venues) ?? DEFAULT_VENUES.split(','),
    externalVenues: r.get(vars.externalVenues) ?? [],
    paper: { seed: r.get(vars.paperSeed) ?? 724, lively: r.get(vars.paperLively) ?? true, fundingIntervalMs: r.get(vars.paperFundingIntervalMs) ?? 8 * 3_600_000 },
    binance: endpoint('BINANCE'),
    binanceSandbox: endpoint('BINANCE_SANDBOX'),
    endpoints: {
      ...Object.fromEntries(['OKX', 'OKX_UAT', 'BITFINEX', 'BITFINEX_UAT', 'HYPERLIQUID', 'HYPERLIQUID_UAT'].map((v) => [v, endpoint(v)])),
      BINANCE_UAT: endpoint('BINANCE_UAT', 'BINANCE_SANDBOX'),
      ...Object.fromEntries(['DERIBIT', 'DERIBIT_UAT'].map((v) => [v, { restBaseUrl: url(`${v}_URL`) }])),
    },
    auth: {
      jwksUrl,
      jwtSecret,
      issuer: r.get(vars.issuer),
      accessTokenTtlSeconds: r.get(vars.accessTokenTtl) ?? 3600,
      supabaseUrl: r.get(vars.supabaseUrl),
      anonKey: r.get(vars.anonKey),
      hmacSecret: r.get(vars.hmacSecret),
    },
    demoUser: !demoOn || external ? null : { email: demoEmail ?? DEMO_USER.email, password: demoPassword ?? DEMO_USER.password },
    masterKey: r.get(vars.masterKey),
    publicUrl: r.get(vars.publicUrl),
    trustProxy: r.get(vars.trustProxy),
    redisUrl: r.get(vars.redisUrl),
    databaseUrl: r.get(vars.databaseUrl),
    proxySecret: r.get(vars.proxySecret),
    quotas: {
      maxAccountsPerUser: r.get(vars.maxAccountsPerUser) ?? 100,
      maxOpenOrdersPerAccount: r.get(vars.maxOpenOrdersPerAccount) ?? 1_000,
    },
    centrifugo: centrifugoApi(r),
    advertiseUrl: r.get(vars.advertiseUrl)?.replace(/\/+$/, ''),
    gateway: {
      maxConnections: r.get(vars.wsMaxConnections) ?? 0,
      commandsPerSecond: r.get(vars.wsCommandsPerSecond) ?? 10_000,
      maxChannelsPerConnection: r.get(vars.wsMaxChannels) ?? 128,
      maxConnectionsPerUser: r.get(vars.maxConnectionsPerUser) ?? 100,
      maxConnectionsPerIp: r.get(vars.maxConnectionsPerIp) ?? 1000,
    },
  };
  const exposure = exposureProblem(config);
  if (exposure) r.problem(exposure);
  r.check();
  return config;
}

/** Centrifugo's server API: both variables or neither, and the proxy secret its proxies present. */
function centrifugoApi(r: EnvReader): ServerConfig['centrifugo'] {
  const apiUrl = r.get(vars.centrifugoApiUrl)?.replace(/\/+$/, '');
  const apiKey = r.get(vars.centrifugoApiKey);
  if (!apiUrl && !apiKey) return undefined;
  if (!apiUrl || !apiKey) {
    r.problem('CADENZA_CENTRIFUGO_API_URL and CADENZA_CENTRIFUGO_API_KEY go together (the API of the Centrifugo nodes and their http_api.key)');
    return undefined;
  }
  if (!r.get(vars.proxySecret)) r.problem("CADENZA_CENTRIFUGO_API_URL needs CADENZA_PROXY_SECRET: Centrifugo's proxies present it to this server");
  return { apiUrl, apiKey };
}

/**
 * The one combination refused although every value is valid: listening beyond this machine while anyone may sign in
 * as the demo user with the password printed in the README.
 */
export function exposureProblem(config: Pick<ServerConfig, 'host' | 'demoUser'>): string | undefined {
  if (isLoopback(config.host) || !config.demoUser || config.demoUser.password !== DEMO_USER.password) return undefined;
  return `CADENZA_HOST=${config.host}: serving beyond this machine with the demo user's published password; set CADENZA_DEMO_USER=off (or a CADENZA_DEMO_PASSWORD of your own), or listen on 127.0.0.1`;
}

/**
 * Warnings about the environment that do not stop the start: `CADENZA_*` names no program of the project reads
 * (a misspelling, most likely), each with the closest known name.
 */
export function configWarnings(env: NodeJS.ProcessEnv = process.env): string[] {
  const known = allVars.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  const out: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('CADENZA_') || known.includes(name) || otherProgramsVars.includes(name)) continue;
    const near = didYouMean(name, known.filter((k) => k.startsWith('CADENZA_')));
    out.push(`unknown variable ${quote(name)} is ignored${near ? ` — did you mean ${near}?` : ''}`);
  }
  return out;
}

/** What `npm run start:gateway` reads (the same table; see gateway-main.ts). */
export interface GatewayNodeEnvConfig {
  port: number;
  host: string;
  upstreamUrl: string;
  redisUrl: string;
  proxySecret: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  trustProxy?: TrustedProxies;
  limits: ServerConfig['gateway'];
  /** Processes sharing the port (gateway-main.ts); each is a whole node. */
  workers: number;
}

export function gatewayNodeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayNodeEnvConfig {
  const r = new EnvReader(env);
  const required = <T>(spec: ConfigVar<T>, why: string): T => {
    const value = r.get(spec);
    if (value === undefined && !r.problems.some((p) => p.startsWith(spec.name))) r.problem(`${spec.name} is required: ${why}`);
    return value as T;
  };
  const config: GatewayNodeEnvConfig = {
    port: r.get(vars.port) ?? 8001,
    host: r.get(vars.host) ?? '127.0.0.1',
    upstreamUrl: required(vars.upstreamUrl, 'the Cadenza server this node fronts'),
    redisUrl: required(vars.redisUrl, 'the same Redis as the server it fronts'),
    proxySecret: required(vars.proxySecret, 'the same secret as the server it fronts'),
    logLevel: r.get(vars.logLevel) ?? 'info',
    logFormat: r.get(vars.logFormat) ?? 'auto',
    trustProxy: r.get(vars.trustProxy),
    workers: r.get(vars.gatewayWorkers) ?? 1,
    limits: {
      maxConnections: r.get(vars.wsMaxConnections) ?? 0,
      commandsPerSecond: r.get(vars.wsCommandsPerSecond) ?? 10_000,
      maxChannelsPerConnection: r.get(vars.wsMaxChannels) ?? 128,
      maxConnectionsPerUser: r.get(vars.maxConnectionsPerUser) ?? 100,
      maxConnectionsPerIp: r.get(vars.maxConnectionsPerIp) ?? 1000,
    },
  };
  r.check();
  return config;
}
