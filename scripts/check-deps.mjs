#!/usr/bin/env node
// The dependency check `npm test` runs after the type check (alone: `npm run check:deps`). It reads every .ts/.tsx file
// under packages/ and fails, naming file and import, when
//   1. a file imports a workspace package (@cadenza/x) its package.json does not declare — `dependencies` for
//      source, `dependencies` or `devDependencies` for tests and benchmarks;
//   2. a source file imports a package the table "may import" in docs/architecture.md does not allow;
//   3. a source file imports test support: @cadenza/testkit, or a file under a test/ folder;
//   4. a source file is test support: only tests import it (test code lives in test/ folders and @cadenza/testkit);
//   5. files import each other in a cycle (type-only imports included: a cycle is a knot either way).
// Source = a package's src/ minus *.test.ts. @cadenza/testkit is test support as a whole: only tests import it, and
// its own imports follow its row of the table.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const pkgsDir = join(root, 'packages');

/**
 * Known breaks being mended right now, each with its reason: a problem whose file starts with `under` and whose
 * message contains `match` is reported as known instead of failing. One that no longer occurs is printed, to be
 * removed.
 */
const KNOWN = [];

const packages = new Map(); // dir name → { name, dir, json }
for (const d of readdirSync(pkgsDir)) {
  const f = join(pkgsDir, d, 'package.json');
  if (existsSync(f)) {
    const json = JSON.parse(readFileSync(f, 'utf8'));
    packages.set(json.name, { name: json.name, short: json.name.replace('@cadenza/', ''), dir: join(pkgsDir, d), json });
  }
}

/** docs/architecture.md's table: | `pkg` | `a`, `b` | … */
function readArrows() {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Packages and the direction of dependencies'));
  if (!section) throw new Error('docs/architecture.md has no "Packages and the direction of dependencies" section');
  const arrows = new Map();
  for (const line of section.split('\n')) {
    const m = /^\|\s*`([a-z-]+)`\s*\|([^|]*)\|/.exec(line);
    if (!m) continue;
    arrows.set(m[1], new Set([...m[2].matchAll(/`([a-z-]+)`/g)].map((x) => x[1])));
  }
  if (arrows.size === 0) throw new Error('docs/architecture.md: no "may import" table found');
  return arrows;
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(p) && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function packageOf(file) {
  for (const p of packages.values()) if (file.startsWith(p.dir + sep)) return p;
  return undefined;
}

function isTestFile(file, pkg) {
  const rel = relative(pkg.dir, file).split(sep);
  return pkg.name === '@cadenza/testkit' || rel[0] !== 'src' || /\.test\.tsx?$/.test(file);
}

/** Resolves `@cadenza/x[/sub]` through x's package.json `exports` (patterns with one `*` too). */
function resolveWorkspace(spec) {
  const m = /^(@cadenza\/[a-z-]+)(\/.*)?$/.exec(spec);
  const pkg = m && packages.get(m[1]);
  if (!pkg) return undefined;
  const key = '.' + (m[2] ?? '');
  const exp = pkg.json.exports ?? {};
  const target = (v) => (typeof v === 'string' ? v : v?.default ?? v?.import);
  if (exp[key]) return join(pkg.dir, target(exp[key]));
  for (const [k, v] of Object.entries(exp)) {
    const star = k.indexOf('*');
    if (star < 0) continue;
    const pre = k.slice(0, star);
    const post = k.slice(star + 1);
    if (key.startsWith(pre) && key.endsWith(post) && key.length >= pre.length + post.length) {
      return join(pkg.dir, target(v).replace('*', key.slice(pre.length, key.length - post.length)));
    }
  }
  return undefined;
}

const arrows = readArrows();
const files = walk(pkgsDir).filter((f) => packageOf(f));
const edges = new Map(); // file → Set(file)
const problems = [];
const knownUsed = new Set();
const report = (file, msg) => {
  const rel = relative(root, file);
  const known = KNOWN.find((k) => rel.startsWith(k.under) && msg.includes(k.match));
  if (known) knownUsed.add(known);
  else if (!problems.includes(`${rel}: ${msg}`)) problems.push(`${rel}: ${msg}`);
};

for (const file of files) {
  const pkg = packageOf(file);
  const test = isTestFile(file, pkg);
  const deps = { ...pkg.json.dependencies, ...(test ? pkg.json.devDependencies : {}) };
  const out = new Set();
  edges.set(file, out);
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  for (const { fileName: spec } of info.importedFiles) {
    let target;
    if (spec.startsWith('.')) {
      target = resolve(dirname(file), spec);
    } else if (spec.startsWith('@cadenza/')) {
      const name = spec.split('/').slice(0, 2).join('/');
      const dep = packages.get(name);
      if (!dep) {
        report(file, `imports ${spec}, which is no workspace package`);
        continue;
      }
      if (dep !== pkg && !(name in deps)) {
        report(file, `imports ${spec} but ${relative(root, join(pkg.dir, 'package.json'))} does not declare ${name}${test ? ' (dependencies or devDependencies)' : ' in dependencies'}`);
      }
      if ((!test || pkg.short === 'testkit') && dep !== pkg) {
        const allowed = arrows.get(pkg.short);
        if (!allowed) report(file, `package ${pkg.short} has no row in docs/architecture.md's "may import" table`);
        else if (!allowed.has(dep.short)) report(file, `imports ${spec}: ${pkg.short} may not import ${dep.short} (docs/architecture.md)`);
      }
      target = resolveWorkspace(spec);
      if (!target) report(file, `imports ${spec}, which ${name}'s package.json does not export`);
    } else {
      continue; // node: built-ins and npm packages
    }
    if (!target) continue;
    if (!test) {
      const tp = packageOf(target);
      if (tp && tp.name === '@cadenza/testkit') report(file, `source imports test support: ${spec}`);
      else if (tp && relative(tp.dir, target).split(sep)[0] === 'test') report(file, `source imports test support: ${spec}`);
    }
    if (existsSync(target)) out.add(target);
  }
}

// Test support under src/: a source file that only tests import (directly or through other such files).
const importers = new Map();
for (const [from, tos] of edges) for (const to of tos) (importers.get(to) ?? importers.set(to, []).get(to)).push(from);
const isSource = (f) => !isTestFile(f, packageOf(f));
const mainEntries = new Set([...packages.values()].map((p) => resolveWorkspace(p.name)).filter(Boolean));
const onlyForTests = new Set();
for (let changed = true; changed; ) {
  changed = false;
  for (const f of files) {
    if (!isSource(f) || onlyForTests.has(f) || mainEntries.has(f)) continue;
    const by = importers.get(f) ?? [];
    if (by.length && by.every((g) => !isSource(g) || onlyForTests.has(g))) {
      onlyForTests.add(f);
      changed = true;
    }
  }
}
for (const f of onlyForTests) report(f, 'test support under src/: only tests import it (move it to test/ or @cadenza/testkit)');

// Import cycles: Tarjan's strongly connected components over the file graph.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function strongConnect(v) {
  idx.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) {
      strongConnect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || (edges.get(v) ?? new Set()).has(v)) cycles.push(comp);
  }
}
for (const f of files) if (!idx.has(f)) strongConnect(f);
for (const c of cycles) report(c[0], `import cycle: ${c.map((f) => relative(root, f)).sort().join(' ↔ ')}`);

for (const k of KNOWN) if (!knownUsed.has(k)) console.log(`dependency check: the known exception "${k.match}" under ${k.under} no longer occurs; remove it from scripts/check-deps.mjs`);
if (problems.length) {
  console.error(`dependency check: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const known = knownUsed.size ? `; ${knownUsed.size} known exception(s) in scripts/check-deps.mjs` : '';
console.log(`dependency check: ok (${files.length} files, ${[...edges.values()].reduce((n, s) => n + s.size, 0)} imports${known})`);
