/**
 * The Python SDK's test venv: `pip install clients/python[test]`, rebuilt whenever the package's sources change, so
 * the non-editable install is what is tested (packaging mistakes show).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { VenvSpec } from '@cadenza/testkit/services/python-venv';

const pkg = resolve(import.meta.dirname, '../../../clients/python');

/** A hash of what the installed package is built from (pyproject and src/), the venv's rebuild key. */
function sourceHash(): string {
  const h = createHash('sha256');
  const add = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== '__pycache__' && !name.endsWith('.egg-info')) add(join(path, name));
    } else {
      h.update(relative(pkg, path)).update(readFileSync(path));
    }
  };
  add(join(pkg, 'pyproject.toml'));
  add(join(pkg, 'README.md'));
  add(join(pkg, 'src'));
  return h.digest('hex');
}

export function sdkVenv(): VenvSpec {
  return { name: 'cadenza-rt-venv', key: sourceHash(), pipArgs: [`${pkg}[test]`], probe: 'import cadenza_rt, pytest, pytest_asyncio' };
}
