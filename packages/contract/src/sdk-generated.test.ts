import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

test('the SDK types generated from the contract and server-sends.json are current (npm run gen:sdk)', () => {
  const root = resolve(import.meta.dirname, '../../..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-sdk.ts', '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr || r.stdout);
});
