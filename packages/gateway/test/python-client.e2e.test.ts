/**
 * The core scenarios with the official Python client `centrifuge-python` (from PyPI), JSON and protobuf modes.
 * The client is installed into a git-ignored virtualenv under .cache/ on first run (quietly; needs python3 and
 * pip's access to PyPI), then test/python/scenarios.py runs against a live gateway.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensureVenv } from '@cadenza/testkit/services/python-venv';
import { jwtHandlers, mint, startGateway, type Running } from './harness.ts';
import { centrifugePythonVenv } from './python-venv.ts';

const execFile = promisify(execFileCb);
let python: string;
const script = resolve(import.meta.dirname, 'python/scenarios.py');

describe('official centrifuge-python client', () => {
  let g: Running;
  before(async () => {
    python = await ensureVenv(centrifugePythonVenv);
    const base = jwtHandlers();
    g = await startGateway({
      namespaces: {
        news: { historySize: 100, historyTtlSeconds: 300, forceRecovery: true },
        room: { presence: true },
        secret: {},
      },
      handlers: {
        ...base,
        async onRpc(e) {
          const p = e.data as { channel: string; data?: unknown; count?: number };
          if (e.method === 'publish') return { data: await g.node.publish(p.channel, p.data) };
          if (e.method === 'drop-and-publish') {
            // After replying: cut the caller's connection (reconnect code) and publish while it is away.
            setTimeout(() => {
              g.node.disconnectUser(e.client.identity.userId, { code: 3001, reason: 'shutdown' });
              for (let i = 1; i <= (p.count ?? 0); i++) void g.node.publish(p.channel, { away: i });
            }, 20);
            return { data: {} };
          }
          return base.onRpc!(e);
        },
      },
    });
  });
  after(async () => {
    await g?.close();
  });

  for (const mode of ['json', 'protobuf'] as const) {
    test(`${mode}: connect, RPC, ordered publications, history, recovery, presence stats, permission denied, expired token`, { timeout: 300_000 }, async () => {
      const { stdout } = await execFile(
        python,
        [script, g.url, mode, await mint({ sub: `py-${mode}` }), await mint({ sub: `py2-${mode}`, expiresIn: -10 }), await mint({ sub: `py2-${mode}`, expiresIn: 60 })],
        { timeout: 240_000 },
      );
      const out = JSON.parse(stdout.trim().split('\n').pop()!);
      assert.equal(out.connected, true);
      assert.deepEqual(out.rpc, { echo: { n: 1 }, user: `py-${mode}` });
      assert.equal(out.rpc_error, 1001);
      assert.deepEqual(out.offsets, [1, 2, 3, 4, 5]);
      assert.deepEqual(out.data, [1, 2, 3, 4, 5].map((i) => ({ i })));
      assert.deepEqual(out.history, [1, 2, 3, 4, 5].map((i) => ({ i })));
      assert.equal(out.recovery.was_recovering, true);
      assert.equal(out.recovery.recovered, true);
      assert.deepEqual(out.offsets_after, [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.deepEqual(out.presence_stats, { clients: 1, users: 1 });
      assert.equal(out.denied, 103);
      assert.equal(out.expired_flow.get_token_calls, 1);
      assert.ok(out.expired_flow.errors.includes(109));
    });
  }
});
