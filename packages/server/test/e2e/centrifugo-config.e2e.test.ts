/**
 * deploy/centrifugo/config.json as it ships: `centrifugo checkconfig --strict` (v6.9.1) accepts it once the proxy
 * secret's variable is set, and names the variable when it is not; its channel namespaces keep the history and
 * recovery options of Cadenza's own gateway (channel-namespaces.ts) and send every subscription to the subscribe
 * proxy; every proxy presents the secret in the header Cadenza checks; the proxies are Centrifugo's default
 * (unnamed) ones, so its CENTRIFUGO_* variables reach them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensureCentrifugo } from '@cadenza/testkit/services/centrifugo-server';
import { channelNamespaces } from '../../src/channel-namespaces.ts';
import { SECRET_HEADER } from '../../src/http/centrifugo-proxy.ts';

const execFile = promisify(execFileCb);
const file = resolve(import.meta.dirname, '../../../../deploy/centrifugo/config.json');
const config = JSON.parse(readFileSync(file, 'utf8'));

async function checkconfig(env: Record<string, string>): Promise<{ code: number; output: string }> {
  const bin = await ensureCentrifugo();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CENTRIFUGO_')));
  try {
    const { stdout, stderr } = await execFile(bin, ['checkconfig', '--strict', '--config', file], { env: { ...clean, ...env }, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

test('centrifugo checkconfig --strict accepts the file with the proxy secret variable set, and names the variable when it is not', async () => {
  const ok = await checkconfig({ CENTRIFUGO_VAR_CADENZA_PROXY_SECRET: 'a-secret-of-enough-length', CENTRIFUGO_HTTP_API_KEY: 'k' });
  assert.equal(ok.code, 0, ok.output);
  const missing = await checkconfig({});
  assert.notEqual(missing.code, 0);
  assert.match(missing.output, /CENTRIFUGO_VAR_CADENZA_PROXY_SECRET/);
});

test("the namespaces keep the gateway's history and recovery options and go through the subscribe proxy", () => {
  const namespaces = config.channel.namespaces as Array<Record<string, unknown>>;
  assert.deepEqual(namespaces.map((n) => n.name).sort(), Object.keys(channelNamespaces).sort());
  for (const n of namespaces) {
    const ours = channelNamespaces[n.name as string]!;
    assert.equal(n.history_size, ours.historySize, `${n.name} history_size`);
    assert.equal(n.history_ttl, `${ours.historyTtlSeconds}s`, `${n.name} history_ttl`);
    assert.equal(n.force_recovery ?? false, ours.forceRecovery ?? false, `${n.name} force_recovery`);
    assert.equal(n.force_positioning ?? false, ours.forcePositioning ?? false, `${n.name} force_positioning`);
    assert.equal(n.subscribe_proxy_enabled, true, `${n.name} asks Cadenza who may subscribe`);
    assert.equal(n.allow_subscribe_for_client ?? false, false, `${n.name} lets nobody in without the proxy`);
  }
  assert.equal(config.rpc.without_namespace.proxy_enabled, true, 'every RPC goes to Cadenza');
});

test('every proxy presents the secret from CENTRIFUGO_VAR_CADENZA_PROXY_SECRET in the header Cadenza checks', () => {
  const proxies = { connect: config.client.proxy.connect, refresh: config.client.proxy.refresh, subscribe: config.channel.proxy.subscribe, rpc: config.rpc.proxy };
  for (const [name, p] of Object.entries(proxies)) {
    const headers = Object.fromEntries(Object.entries(p.http.static_headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    assert.deepEqual(headers, { [SECRET_HEADER]: '${CENTRIFUGO_VAR_CADENZA_PROXY_SECRET}' }, `${name} proxy`);
  }
  assert.equal(config.client.proxy.connect.enabled, true);
  assert.equal(config.client.proxy.refresh.enabled, true);
  assert.equal(config.client.proxy.refresh.include_connection_meta, true, 'the refresh proxy needs the session in the meta');
  assert.equal(config.engine.type, 'redis');
  assert.equal(config.client.token.audience, 'authenticated', 'tokens are Supabase access tokens');
});
