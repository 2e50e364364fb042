import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorCodes, errorModules } from '@cadenza/domain';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

test('docs/errors.md lists exactly the codes of the catalogue, with the same names and temporary flags', () => {
  const documented = new Map<number, { name: string; temporary: boolean }>();
  for (const m of doc.matchAll(/^\| (\d{5}) \| ([A-Z_]+) \| (yes)? *\|/gm)) {
    documented.set(Number(m[1]), { name: m[2]!, temporary: m[3] === 'yes' });
  }
  const catalogue = new Map(Object.entries(errorCodes).map(([name, e]) => [e.code, { name, temporary: 'temporary' in e && e.temporary === true }]));
  assert.deepEqual([...documented.entries()].sort(), [...catalogue.entries()].sort());
});

test('codes are unique, AABBB-shaped and in a documented module', () => {
  const codes = Object.values(errorCodes).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) {
    assert.ok(c >= 10000 && c <= 99999, `${c} is AABBB`);
    assert.ok(Math.floor(c / 1000) in errorModules, `${c} belongs to a module`);
    assert.match(doc, new RegExp(`### ${Math.floor(c / 1000)}xxx`), `module of ${c} has a section`);
  }
});
