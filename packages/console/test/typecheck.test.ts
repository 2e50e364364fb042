// The console's browser code is type-checked with its own project (DOM types, Preact JSX), not the root one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('the console type-checks (tsc -p packages/console/tsconfig.json)', () => {
  const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
  const project = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
