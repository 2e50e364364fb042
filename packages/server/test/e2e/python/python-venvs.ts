/** The Python venvs of the server's e2e tests, each rebuilt when its pinned requirements change. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { VenvSpec } from '@cadenza/testkit/services/python-venv';

const requirementsFile = resolve(import.meta.dirname, 'requirements.txt');

/** The quick start's clients: centrifuge-python, supabase-py. */
export function quickstartVenv(): VenvSpec {
  return { name: 'python-quickstart-venv', key: readFileSync(requirementsFile, 'utf8'), pipArgs: ['-r', requirementsFile], probe: 'import centrifuge, supabase, jwt' };
}

/** openapi-python-client and datamodel-code-generator, for the generated-REST-client test. */
export function restClientVenv(): VenvSpec {
  const file = resolve(import.meta.dirname, 'rest-client-requirements.txt');
  return { name: 'rest-python-client-venv', key: readFileSync(file, 'utf8'), pipArgs: ['-r', file], probe: 'import openapi_python_client, datamodel_code_generator, email_validator' };
}
