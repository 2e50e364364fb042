/**
 * The error catalogue in code and the table in docs/auth.md agree (errno, code, both statuses, message).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthError, authErrors, type AuthErrorName } from '../src/index.ts';
import { restStatus } from '../src/routes/rest-errors.ts';

test('docs/auth.md lists every auth error exactly as the catalogue defines it', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/auth.md'), 'utf8');
  const rows = new Set(doc.split('\n').filter((l) => /^\| 17\d{3} \|/.test(l)));
  for (const name of Object.keys(authErrors) as AuthErrorName[]) {
    const e = new AuthError(name);
    const row = `| ${e.errno} | \`${e.code}\` | ${e.status} | ${restStatus(e)} | ${e.message} |`;
    assert.ok(rows.has(row), `missing or different row for ${name}: ${row}`);
  }
  assert.equal(rows.size, Object.keys(authErrors).length, 'the doc lists errors the catalogue does not have');
});
