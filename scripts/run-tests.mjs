#!/usr/bin/env node
// Runs the *.test.ts files under packages/ (or under the paths given) with node's built-in test runner, TypeScript
// loaded through tsx. Usage: npm test [-- packages/gateway packages/auth/src/x.test.ts]
//   --unit  only unit tests (*.test.ts that are not *.e2e.test.ts)      npm run test:unit
//   --e2e   only end-to-end tests (*.e2e.test.ts)                        npm run test:e2e
// A test is end-to-end when it starts a real server, real network clients or another process; such files are named
// *.e2e.test.ts (docs/architecture.md, "Tests"). Without paths the run starts with the type check and the dependency
// check (scripts/check-deps.mjs).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const kind = argv.includes('--unit') ? 'unit' : argv.includes('--e2e') ? 'e2e' : 'all';
const roots = argv.filter((a) => !a.startsWith('--'));
const extra = argv.filter((a) => a.startsWith('--') && a !== '--unit' && a !== '--e2e');

const wanted = (path) =>
  path.endsWith('.test.ts') && (kind === 'all' || (kind === 'e2e') === path.endsWith('.e2e.test.ts'));

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) {
    if (wanted(path)) out.push(path);
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
  // The arrows of docs/architecture.md, declared workspace dependencies, no test support in src/, no cycles.
  const deps = spawnSync(process.execPath, [join(root, 'scripts/check-deps.mjs')], { stdio: 'inherit', cwd: root });
  if (deps.status !== 0) process.exit(deps.status ?? 1);
}
// The Python venvs some e2e tests drive are built first, outside any file's time ceiling (scripts/prepare-python.ts).
if (files.some((f) => f.endsWith('.e2e.test.ts') && /python/i.test(readFileSync(f, 'utf8')))) {
  const prep = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/prepare-python.ts')], { stdio: 'inherit', cwd: root });
  if (prep.status !== 0) console.error('python venvs: not all could be built; the tests that need them will say why');
}
const args = [
  '--import', 'tsx',
  '--test',
  '--test-reporter=spec',
  // A test that waits for something that never comes fails after 5 minutes with its name, instead of hanging CI
  // (a file counts as one test: its servers, clients and Python on a machine busy with other work).
  `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 300_000}`,
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
  ...extra,
  ...files,
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'test' } });
process.exit(r.status ?? 1);
