/** The Python quick start's venv: the pinned clients of requirements.txt (rebuilt when that file changes). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { VenvSpec } from '@cadenza/testkit/services/python-venv';

const requirementsFile = resolve(import.meta.dirname, 'requirements.txt');

export function quickstartVenv(): VenvSpec {
  return { name: 'python-quickstart-venv', key: readFileSync(requirementsFile, 'utf8'), pipArgs: ['-r', requirementsFile], probe: 'import centrifuge, supabase, jwt' };
}
