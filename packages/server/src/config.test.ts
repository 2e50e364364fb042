import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { forwardedClientAddress } from '@cadenza/auth';
import { ConfigError, configFromEnv, configWarnings, DEMO_USER, gatewayNodeConfigFromEnv } from './config.ts';
import { allVars, VENUE_IDS, vars } from './config-vars.ts';
import { createVenues, supportedVenues } from './venues.ts';

function problems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    configFromEnv(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration from the environment', () => {
  test('an empty environment gives the embedded defaults of `npm start`', () => {
    const c = configFromEnv({});
    assert.equal(c.port, 8000);
    assert.equal(c.host, '127.0.0.1', 'loopback unless CADENZA_HOST says otherwise');
    assert.equal(c.dataDir, resolve('./data'));
    assert.deepEqual(c.venues, ['PAPER', 'MOCK', 'BINANCE', 'BINANCE_UAT', 'OKX', 'OKX_UAT', 'BITFINEX', 'BITFINEX_UAT', 'DERIBIT', 'DERIBIT_UAT', 'HYPERLIQUID', 'HYPERLIQUID_UAT']);
    assert.deepEqual(c.demoUser, DEMO_USER);
    assert.equal(c.redisUrl, undefined);
    assert.equal(c.trustProxy, undefined);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.logFormat, 'auto');
    assert.deepEqual(c.paper, { seed: 724, lively: true, fundingIntervalMs: 8 * 3_600_000 });
    assert.deepEqual(c.gateway, { maxConnections: 0, commandsPerSecond: 10_000, maxChannelsPerConnection: 128, maxConnectionsPerUser: 100, maxConnectionsPerIp: 1000 });
    assert.equal(c.auth.accessTokenTtlSeconds, 3600);
    assert.deepEqual(c.quotas, { maxAccountsPerUser: 100, maxOpenOrdersPerAccount: 1000 });
  });

  test('quotas: CADENZA_MAX_ACCOUNTS_PER_USER and CADENZA_MAX_OPEN_ORDERS_PER_ACCOUNT, 0 = unlimited', () => {
    assert.deepEqual(configFromEnv({ CADENZA_MAX_ACCOUNTS_PER_USER: '5', CADENZA_MAX_OPEN_ORDERS_PER_ACCOUNT: '0' }).quotas, { maxAccountsPerUser: 5, maxOpenOrdersPerAccount: 0 });
    assert.deepEqual(problems({ CADENZA_MAX_ACCOUNTS_PER_USER: 'lots' }), ['CADENZA_MAX_ACCOUNTS_PER_USER=lots: must be a whole number ≥ 0']);
  });

  test('variables override, venue lists are trimmed and upper-cased, external auth turns the demo user off', () => {
    const c = configFromEnv({
      PORT: '9001', CADENZA_VENUES: ' paper, binance ', CADENZA_AUTH_JWKS_URL: 'https://x.supabase.co/auth/v1/.well-known/jwks.json',
      CADENZA_WS_MAX_CONNECTIONS: '500', CADENZA_REDIS_URL: 'redis://127.0.0.1:6379', CADENZA_PAPER_LIVELY: 'off',
      CADENZA_MAX_CONNECTIONS_PER_USER: '3', CADENZA_MAX_CONNECTIONS_PER_IP: '0', OKX_REST_URL: 'http://127.0.0.1:9999/',
    });
    assert.equal(c.port, 9001);
    assert.deepEqual(c.venues, ['PAPER', 'BINANCE']);
    assert.equal(c.demoUser, null);
    assert.equal(c.paper.lively, false);
    assert.equal(c.gateway.maxConnections, 500);
    assert.equal(c.gateway.maxConnectionsPerUser, 3);
    assert.equal(c.gateway.maxConnectionsPerIp, 0);
    assert.equal(c.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(c.endpoints.OKX!.restBaseUrl, 'http://127.0.0.1:9999', 'trailing slashes dropped');
  });

  test('externally fed venues are contract venues, none by default; a venue run both ways does not start', () => {
    assert.deepEqual(configFromEnv({}).externalVenues, []);
    assert.deepEqual(configFromEnv({ CADENZA_EXTERNAL_VENUES: ' ibkr, STONEX,ibkr ' }).externalVenues, ['IBKR', 'STONEX']);
    assert.match(problems({ CADENZA_EXTERNAL_VENUES: 'IBKR,NASDAQ' })[0]!, /^CADENZA_EXTERNAL_VENUES=IBKR,NASDAQ: unknown venue "NASDAQ"/);
    const both = configFromEnv({ CADENZA_VENUES: 'PAPER', CADENZA_EXTERNAL_VENUES: 'PAPER' });
    assert.throws(() => createVenues(both, () => ({}) as never, []), /PAPER is in both CADENZA_VENUES and CADENZA_EXTERNAL_VENUES/);
  });

  test('every bad value stops the start with a message naming its variable — all of them at once', () => {
    const found = problems({ PORT: '99999', CADENZA_LOG_LEVEL: 'loud', CADENZA_DEMO_PASSWORD: 'abc', CADENZA_PAPER_LIVELY: 'maybe', CADENZA_VENUES: 'PAPER,BINANSE' });
    assert.deepEqual(found.map((p) => p.split(/[=: (]/)[0]).sort(), ['CADENZA_DEMO_PASSWORD', 'CADENZA_LOG_LEVEL', 'CADENZA_PAPER_LIVELY', 'CADENZA_VENUES', 'PORT']);
    assert.ok(found.includes('PORT=99999: must be a whole number from 0 to 65535'));
    assert.ok(found.includes('CADENZA_LOG_LEVEL=loud: must be one of fatal, error, warn, info, debug, trace, silent'));
    assert.ok(found.includes('CADENZA_PAPER_LIVELY=maybe: must be true or false (also on/off, yes/no, 1/0)'));
    assert.ok(found.includes('CADENZA_DEMO_PASSWORD (value not shown): must be at least 6 characters (the auth service refuses shorter passwords)'));
    assert.match(found.find((p) => p.startsWith('CADENZA_VENUES'))!, /unknown venue "BINANSE" \(did you mean BINANCE\?\)/);
    assert.match(String(new ConfigError(found).message), /^5 configuration problems:\n {2}/);
  });

  test('each kind of check refuses what it should', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['PORT', 'abc', /whole number/],
      ['PORT', '-1', /whole number from 0 to 65535/],
      ['CADENZA_WS_COMMANDS_PER_SECOND', '1.5', /whole number ≥ 0/],
      ['CADENZA_ACCESS_TOKEN_TTL', '5', /from 30 to 604800/],
      ['CADENZA_HOST', 'not a host!', /IP address .* or a host name/],
      ['CADENZA_PUBLIC_URL', 'localhost:8000', /must be a http:\/\/ or https:\/\/ URL/],
      ['CADENZA_REDIS_URL', 'http://127.0.0.1:6379', /redis:\/\/ or rediss:\/\//],
      ['CADENZA_DATABASE_URL', 'mysql://db/cadenza', /postgres:\/\/ URL/],
      ['CADENZA_DEMO_EMAIL', 'demo', /email address/],
      ['CADENZA_DEMO_USER', 'disabled', /true or false/],
      ['CADENZA_LOG_FORMAT', 'xml', /auto, pretty, json/],
      ['CADENZA_TRUST_PROXY', '10.0.0.0/99', /bad prefix length/],
      ['CADENZA_TRUST_PROXY', 'proxy.example', /not an IP address, a CIDR range/],
      ['BINANCE_WS_URL', 'https://stream.binance.com', /ws:\/\/ or wss:\/\//],
      ['CADENZA_AUTH_HMAC_SECRET', 'short', /at least 32 characters/],
    ];
    for (const [name, value, message] of cases) {
      const found = problems({ [name]: value });
      assert.equal(found.length, 1, `${name}=${value}: ${found.join('; ')}`);
      assert.ok(found[0]!.startsWith(name), found[0]);
      assert.match(found[0]!, message);
    }
  });

  test('secrets are never quoted back, whatever is wrong with them', () => {
    const secret = 'hunter2!';
    for (const name of ['CADENZA_MASTER_KEY', 'CADENZA_PROXY_SECRET', 'CADENZA_AUTH_JWT_SECRET', 'CADENZA_AUTH_HMAC_SECRET', 'CADENZA_DEMO_PASSWORD', 'CADENZA_DATABASE_URL']) {
      const found = problems({ [name]: name === 'CADENZA_DEMO_PASSWORD' ? 'x'.repeat(80) + secret : secret });
      assert.equal(found.length, 1, name);
      assert.ok(!found[0]!.includes('hunter2'), found[0]);
      assert.ok(found[0]!.startsWith(`${name} (value not shown)`), found[0]);
    }
    assert.match(problems({ CADENZA_PROXY_SECRET: 'short' })[0]!, /CADENZA_PROXY_SECRET \(value not shown\): must be at least 16 characters/);
    assert.equal(configFromEnv({ CADENZA_PROXY_SECRET: 'x'.repeat(16) }).proxySecret, 'x'.repeat(16));
  });

  test('listen address: CADENZA_HOST, then HOST; every interface only with the demo user off or its password changed', () => {
    assert.equal(configFromEnv({ HOST: '::1' }).host, '::1');
    assert.equal(configFromEnv({ HOST: '10.0.0.5', CADENZA_HOST: '127.0.0.2' }).host, '127.0.0.2');
    const exposed = problems({ CADENZA_HOST: '0.0.0.0' });
    assert.match(exposed[0]!, /^CADENZA_HOST=0\.0\.0\.0: serving beyond this machine with the demo user's published password; set CADENZA_DEMO_USER=off/);
    assert.equal(problems({ HOST: '::' }).length, 1);
    assert.equal(configFromEnv({ CADENZA_HOST: '0.0.0.0', CADENZA_DEMO_USER: 'off' }).demoUser, null);
    assert.equal(configFromEnv({ CADENZA_HOST: '0.0.0.0', CADENZA_DEMO_PASSWORD: 'a-password-of-my-own' }).demoUser!.password, 'a-password-of-my-own');
    assert.equal(configFromEnv({ CADENZA_HOST: '0.0.0.0', CADENZA_AUTH_JWT_SECRET: 'x'.repeat(32) }).demoUser, null, 'external auth has no demo user');
  });

  test('unknown CADENZA_* names are warned about with the closest known name; other programs\' names are not', () => {
    const warnings = configWarnings({ CADENZA_LOG_LEVLE: 'debug', CADENZA_MAX_OPEN_ODRERS: '5', CADENZA_SOMETHING_ELSE: '1', CADENZA_URL: 'http://x', CADENZA_CONFIG_DIR: '/tmp', CADENZA_HOST: '127.0.0.1', PATH: '/bin' });
    assert.deepEqual(warnings, [
      'unknown variable CADENZA_LOG_LEVLE is ignored — did you mean CADENZA_LOG_LEVEL?',
      'unknown variable CADENZA_MAX_OPEN_ODRERS is ignored',
      'unknown variable CADENZA_SOMETHING_ELSE is ignored',
    ]);
    assert.deepEqual(configWarnings({ CADENZA_PORT: '1' }), ['unknown variable CADENZA_PORT is ignored — did you mean CADENZA_HOST?']);
  });

  test('trusted proxies: the client address is read from X-Forwarded-For right to left, skipping trusted hops only', () => {
    const trust = configFromEnv({ CADENZA_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy!;
    const has = (a: string) => trust.has(a);
    assert.ok(trust.has('127.0.0.1') && trust.has('::1') && trust.has('::ffff:127.0.0.1') && trust.has('10.9.8.7'));
    assert.ok(!trust.has('203.0.113.9') && !trust.has('not an ip'));
    assert.equal(forwardedClientAddress('203.0.113.9', '198.51.100.1', has), '203.0.113.9', 'an untrusted peer is the client, whatever it claims');
    assert.equal(forwardedClientAddress('127.0.0.1', '198.51.100.1', has), '198.51.100.1');
    assert.equal(forwardedClientAddress('127.0.0.1', '6.6.6.6, 198.51.100.1, 10.1.1.1', has), '198.51.100.1', 'a client-written entry further left is never believed');
    assert.equal(forwardedClientAddress('127.0.0.1', undefined, has), '127.0.0.1');
    assert.equal(forwardedClientAddress('127.0.0.1', '10.0.0.1, 10.0.0.2', has), '10.0.0.1', 'all hops trusted: the leftmost');
    assert.equal(configFromEnv({ CADENZA_TRUST_PROXY: 'off' }).trustProxy, undefined);
  });

  test('the gateway node names its required variables and reads the shared ones', () => {
    assert.throws(() => gatewayNodeConfigFromEnv({}), (e: unknown) => e instanceof ConfigError && e.problems.length === 3 && e.problems.every((p) => / is required: /.test(p)));
    const c = gatewayNodeConfigFromEnv({ CADENZA_UPSTREAM_URL: 'http://127.0.0.1:8000', CADENZA_REDIS_URL: 'redis://127.0.0.1:6379', CADENZA_PROXY_SECRET: 'x'.repeat(20), CADENZA_MAX_CONNECTIONS_PER_IP: '5' });
    assert.equal(c.port, 8001);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.limits.maxConnectionsPerIp, 5);
    assert.throws(() => gatewayNodeConfigFromEnv({ CADENZA_UPSTREAM_URL: 'nope', CADENZA_REDIS_URL: 'redis://x', CADENZA_PROXY_SECRET: 'x'.repeat(20) }), /CADENZA_UPSTREAM_URL=nope: must be a URL/);
  });

  test('the table knows every venue the server can run, and every variable once', () => {
    assert.deepEqual([...VENUE_IDS].sort(), [...supportedVenues].sort());
    const names = allVars.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    assert.equal(new Set(names).size, names.length);
    assert.equal(vars.port.name, 'PORT');
  });
});
