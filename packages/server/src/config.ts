/**
 * @module config
 * Everything the server reads from its environment, in one typed object with embedded defaults, so that
 * `npm start` on a fresh clone works with no configuration at all.
 */
import { resolve } from 'node:path';

export interface ServerConfig {
  /** TCP port of the single HTTP + WebSocket listener. 0 = ephemeral (tests). */
  port: number;
  host: string;
  /** Where SQLite databases, signing keys and the master key live. */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Venues to run. PAPER and MOCK need nothing; the live venues connect on demand. */
  venues: string[];
  paper: { seed: number; lively: boolean };
  binance: { restBaseUrl?: string; wsBaseUrl?: string };
  binanceSandbox: { restBaseUrl?: string; wsBaseUrl?: string };
  /**
   * Base URLs of the other live venues by venue id, from `<VENUE>_REST_URL` / `<VENUE>_WS_URL` (OKX, OKX_UAT,
   * BITFINEX, BITFINEX_UAT, BINANCE_UAT — which also reads the older BINANCE_SANDBOX_* names); absent = the venue's own.
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
  /** Protections of the WebSocket endpoint (0 = unlimited). */
  gateway: { maxConnections: number; commandsPerSecond: number; maxChannelsPerConnection: number; maxConnectionsPerUser: number; maxConnectionsPerIp: number };
}

export const DEMO_USER = { email: 'demo@cadenza.dev', password: 'cadenza-demo' } as const;

function int(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

/** A shared secret that stands for every user's identity: short ones are refused, not warned about. */
function secret(name: string, v: string | undefined): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (v.length < 16) throw new Error(`${name} must be at least 16 characters (it lets its holder act as any user)`);
  return v;
}

/** A PostgreSQL URL, refused at start when it is anything else (a typo would otherwise fall back to SQLite). */
function databaseUrl(v: string | undefined): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(v)) throw new Error('CADENZA_DATABASE_URL must be a postgres:// URL (unset it to use the embedded SQLite files)');
  return v;
}

function opt(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** Reads the configuration from environment variables (documented in the README). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const external = Boolean(opt(env.CADENZA_AUTH_JWKS_URL) ?? opt(env.CADENZA_AUTH_JWT_SECRET));
  const demoDisabled = env.CADENZA_DEMO_USER === 'off' || external;
  return {
    port: int('PORT', env.PORT, 8000),
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.CADENZA_DATA_DIR ?? './data'),
    logLevel: (env.CADENZA_LOG_LEVEL as ServerConfig['logLevel']) ?? 'info',
    venues: (env.CADENZA_VENUES ?? 'PAPER,MOCK,BINANCE,BINANCE_UAT,OKX,OKX_UAT,BITFINEX,BITFINEX_UAT').split(',').map((v) => v.trim().toUpperCase()).filter(Boolean),
    paper: { seed: int('CADENZA_PAPER_SEED', env.CADENZA_PAPER_SEED, 724), lively: env.CADENZA_PAPER_LIVELY !== 'false' },
    binance: { restBaseUrl: opt(env.BINANCE_REST_URL), wsBaseUrl: opt(env.BINANCE_WS_URL) },
    binanceSandbox: { restBaseUrl: opt(env.BINANCE_SANDBOX_REST_URL), wsBaseUrl: opt(env.BINANCE_SANDBOX_WS_URL) },
    endpoints: {
      ...Object.fromEntries(['OKX', 'OKX_UAT', 'BITFINEX', 'BITFINEX_UAT'].map((v) => [v, { restBaseUrl: opt(env[`${v}_REST_URL`]), wsBaseUrl: opt(env[`${v}_WS_URL`]) }])),
      BINANCE_UAT: { restBaseUrl: opt(env.BINANCE_UAT_REST_URL) ?? opt(env.BINANCE_SANDBOX_REST_URL), wsBaseUrl: opt(env.BINANCE_UAT_WS_URL) ?? opt(env.BINANCE_SANDBOX_WS_URL) },
    },
    auth: {
      jwksUrl: opt(env.CADENZA_AUTH_JWKS_URL),
      jwtSecret: opt(env.CADENZA_AUTH_JWT_SECRET),
      issuer: opt(env.CADENZA_AUTH_ISSUER),
      accessTokenTtlSeconds: int('CADENZA_ACCESS_TOKEN_TTL', env.CADENZA_ACCESS_TOKEN_TTL, 3600),
      supabaseUrl: opt(env.CADENZA_SUPABASE_URL),
      anonKey: opt(env.CADENZA_SUPABASE_ANON_KEY),
      hmacSecret: opt(env.CADENZA_AUTH_HMAC_SECRET),
    },
    demoUser: demoDisabled
      ? null
      : { email: env.CADENZA_DEMO_EMAIL ?? DEMO_USER.email, password: env.CADENZA_DEMO_PASSWORD ?? DEMO_USER.password },
    masterKey: opt(env.CADENZA_MASTER_KEY),
    publicUrl: opt(env.CADENZA_PUBLIC_URL),
    redisUrl: opt(env.CADENZA_REDIS_URL),
    databaseUrl: databaseUrl(env.CADENZA_DATABASE_URL),
    proxySecret: secret('CADENZA_PROXY_SECRET', env.CADENZA_PROXY_SECRET),
    gateway: {
      maxConnections: int('CADENZA_WS_MAX_CONNECTIONS', env.CADENZA_WS_MAX_CONNECTIONS, 0),
      commandsPerSecond: int('CADENZA_WS_COMMANDS_PER_SECOND', env.CADENZA_WS_COMMANDS_PER_SECOND, 10_000),
      maxChannelsPerConnection: int('CADENZA_WS_MAX_CHANNELS', env.CADENZA_WS_MAX_CHANNELS, 128),
      maxConnectionsPerUser: int('CADENZA_MAX_CONNECTIONS_PER_USER', env.CADENZA_MAX_CONNECTIONS_PER_USER, 100),
      maxConnectionsPerIp: int('CADENZA_MAX_CONNECTIONS_PER_IP', env.CADENZA_MAX_CONNECTIONS_PER_IP, 1000),
    },
  };
}
