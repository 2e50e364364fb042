#!/usr/bin/env node
// Runs every *.test.ts under packages/ (or under the paths given) with node's built-in test runner,
// TypeScript loaded through tsx, after a full type check. Usage: npm test [-- packages/gateway packages/auth/src/x.test.ts]
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(import.meta.dirname, '..');
const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('--'));

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return out;
  }
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    collect(join(path, name), out);
  }
  return out;
}

const files = (roots.length ? roots : ['packages']).flatMap((p) => collect(resolve(root, p), [])).sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// The whole suite starts with the type check: the SDK's compile-time tests (a wrong param type must not compile)
// and the contract's generated types are only proven by tsc. `-- paths` runs skip it for quick iteration.
if (roots.length === 0) {
  console.log('type check: tsc -p tsconfig.json --noEmit');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit', cwd: root });
  if (tsc.status !== 0) {
    console.error('type check failed');
    process.exit(tsc.status ?? 1);
  }
  console.log('type check: ok');
}
const args = [
  '--import', 'tsx',
  '--test',
  '--test-reporter=spec',
  // A test that waits for something that never comes fails after 3 minutes with its name, instead of hanging CI.
  `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 180_000}`,
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  ...extra,
  ...files,
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'test' } });
process.exit(r.status ?? 1);
