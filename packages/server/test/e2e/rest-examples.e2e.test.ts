/**
 * docs/rest-api.md's examples are run as a reader would run them: each curl command of the reference, exactly as
 * printed there, in the order written (scripts/rest-reference/examples.ts), through bash and the real curl, against
 * a real server — with the shell variables the guide tells the reader to keep ($TOKEN, $ACCOUNT, …) taken from the
 * answers before. Every one must answer 200 with exactly its contract model.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RestWalk } from '@cadenza/testkit/contracts/rest-responses';
import { restGuide } from '../../../../scripts/rest-reference/examples.ts';
import { curlOf, operations } from '../../../../scripts/rest-reference/render.ts';
import { restHarness } from './rest-harness.ts';

const run = promisify(execFile);
const h = await restHarness();
const admin = await h.user('admin', { admin: true });
// The test's own curl settings (status after the body), never the machine's ~/.curlrc.
const curlHome = mkdtempSync(join(tmpdir(), 'cadenza-curl-'));
writeFileSync(join(curlHome, '.curlrc'), 'write-out = "\\n%{http_code}"\n');
after(() => rmSync(curlHome, { recursive: true, force: true }));

function valueAt(body: unknown, path: string): string {
  const v = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], body);
  assert.equal(typeof v, 'string', `the answer has no ${path}`);
  return v as string;
}

test('every curl example of docs/rest-api.md, run in order, answers 200 with its contract model', async () => {
  const walk = new RestWalk();
  const vars: Record<string, string> = { CADENZA: h.server.url, ADMIN_TOKEN: admin.accessToken };
  const byId = new Map(operations().map((o) => [o.operationId, o]));
  let ran = 0;
  for (const [operationId, guide] of Object.entries(restGuide)) {
    for (const example of [...(guide.example ? [guide.example] : []), ...(guide.also ?? [])]) {
      const op = byId.get(operationId);
      assert.ok(op, `${operationId} is not an operation of the contract`);
      const command = curlOf(op, example);
      const { stdout } = await run('bash', ['-c', command], { env: { ...process.env, ...vars, CURL_HOME: curlHome, HOME: curlHome }, maxBuffer: 16 * 1024 * 1024 });
      const cut = stdout.lastIndexOf('\n');
      const status = Number(stdout.slice(cut + 1));
      const body = JSON.parse(stdout.slice(0, cut));
      assert.equal(status, 200, `${operationId}:\n${command}\n→ ${status} ${JSON.stringify(body)}`);
      walk.expect(operationId, status, body);
      for (const [name, path] of Object.entries(example.keeps ?? {})) vars[name] = valueAt(body, path);
      ran++;
    }
  }
  assert.ok(ran >= 40, `${ran} examples ran`);
});
