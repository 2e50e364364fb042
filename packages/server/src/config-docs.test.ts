import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { envExample, helpText, readmeTable, README_BEGIN, README_END } from './config-docs.ts';
import { allVars } from './config-vars.ts';
import { configFromEnv } from './config.ts';

const root = new URL('../../../', import.meta.url).pathname;

test('README.md and .env.example are what the table generates (run `npm run gen:config` after changing it)', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf(README_BEGIN), readme.indexOf(README_END) + README_END.length);
  assert.equal(section, readmeTable());
  assert.equal(readFileSync(`${root}.env.example`, 'utf8'), envExample());
});

test('--help lists every variable its program reads, with default and meaning', () => {
  const server = helpText('server', '9.9.9');
  const gateway = helpText('gateway');
  for (const c of allVars) {
    const inServer = c.scope !== 'gateway';
    assert.equal(server.includes(`\n  ${c.name}`), inServer, `${c.name} in the server's --help`);
    assert.equal(gateway.includes(`\n  ${c.name}`), c.scope !== 'server', `${c.name} in the gateway node's --help`);
  }
  assert.match(server, /\n {2}CADENZA_LOG_LEVEL\n {6}default: info\n {6}pino level/);
  assert.match(gateway, /\n {2}PORT\n {6}default: 8001\n/);
  assert.ok(!/[`[\]]/.test(server.replace(/\[[^\]]*\]/g, '')), 'no markdown left');
});

test('.env.example, uncommented as it stands, is a valid configuration equal to the defaults', () => {
  const env: Record<string, string> = {};
  for (const line of envExample().split('\n')) {
    const m = /^# ([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m && m[2] !== '') env[m[1]!] = m[2]!;
  }
  assert.ok(Object.keys(env).length >= 15, `${Object.keys(env).length} example values`);
  assert.deepEqual(configFromEnv(env), configFromEnv({}));
});
