import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { configFromEnv, DEMO_USER } from './config.ts';

test('an empty environment gives the embedded defaults of `npm start`', () => {
  const c = configFromEnv({});
  assert.equal(c.port, 8000);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.dataDir, resolve('./data'));
  assert.deepEqual(c.venues, ['PAPER', 'MOCK', 'BINANCE', 'BINANCE_UAT', 'OKX', 'OKX_UAT', 'BITFINEX', 'BITFINEX_UAT']);
  assert.deepEqual(c.demoUser, DEMO_USER);
  assert.equal(c.redisUrl, undefined);
  assert.deepEqual(c.gateway, { maxConnections: 0, commandsPerSecond: 10_000, maxChannelsPerConnection: 128, maxConnectionsPerUser: 100, maxConnectionsPerIp: 1000 });
  assert.equal(c.auth.accessTokenTtlSeconds, 3600);
});

test('variables override, venue lists are trimmed and upper-cased, external auth turns the demo user off', () => {
  const c = configFromEnv({
    PORT: '9001', CADENZA_VENUES: ' paper, binance ', CADENZA_AUTH_JWKS_URL: 'https://x.supabase.co/auth/v1/.well-known/jwks.json',
    CADENZA_WS_MAX_CONNECTIONS: '500', CADENZA_REDIS_URL: 'redis://127.0.0.1:6379',
    CADENZA_MAX_CONNECTIONS_PER_USER: '3', CADENZA_MAX_CONNECTIONS_PER_IP: '0',
  });
  assert.equal(c.port, 9001);
  assert.deepEqual(c.venues, ['PAPER', 'BINANCE']);
  assert.equal(c.demoUser, null);
  assert.equal(c.gateway.maxConnections, 500);
  assert.equal(c.gateway.maxConnectionsPerUser, 3);
  assert.equal(c.gateway.maxConnectionsPerIp, 0);
  assert.equal(c.redisUrl, 'redis://127.0.0.1:6379');
});

test('a proxy secret shorter than 16 characters is refused', () => {
  assert.throws(() => configFromEnv({ CADENZA_PROXY_SECRET: 'short' }), /CADENZA_PROXY_SECRET must be at least 16 characters/);
  assert.equal(configFromEnv({ CADENZA_PROXY_SECRET: 'x'.repeat(16) }).proxySecret, 'x'.repeat(16));
});

test('a malformed number names its variable', () => {
  assert.throws(() => configFromEnv({ PORT: 'abc' }), /PORT must be a non-negative integer, got "abc"/);
  assert.throws(() => configFromEnv({ CADENZA_WS_COMMANDS_PER_SECOND: '-1' }), /CADENZA_WS_COMMANDS_PER_SECOND/);
});

test('CADENZA_DATABASE_URL selects PostgreSQL; anything but a postgres:// URL is refused rather than falling back to SQLite', () => {
  assert.equal(configFromEnv({}).databaseUrl, undefined);
  assert.equal(configFromEnv({ CADENZA_DATABASE_URL: 'postgres://u:p@db:5432/cadenza' }).databaseUrl, 'postgres://u:p@db:5432/cadenza');
  assert.equal(configFromEnv({ CADENZA_DATABASE_URL: 'postgresql://db/cadenza' }).databaseUrl, 'postgresql://db/cadenza');
  assert.throws(() => configFromEnv({ CADENZA_DATABASE_URL: 'mysql://db/cadenza' }), /CADENZA_DATABASE_URL must be a postgres:\/\/ URL/);
});
