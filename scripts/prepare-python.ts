/**
 * Builds the Python venvs the e2e tests use (under the git-ignored .cache/), before any test file runs: pip's
 * downloads and builds then never count against a test file's time ceiling, which a busy machine could cross.
 * A venv already built for the same key is only probed. Run by scripts/run-tests.mjs; a failure here is reported and
 * the tests that need the venv fail with pip's own words.
 */
import { ensureVenv, type VenvSpec } from '@cadenza/testkit/services/python-venv';
import { sdkVenv } from '../packages/client/test/python-sdk-venv.ts';
import { centrifugePythonVenv } from '../packages/gateway/test/python-venv.ts';
import { quickstartVenv, restClientVenv } from '../packages/server/test/e2e/python/python-venvs.ts';

const specs: VenvSpec[] = [centrifugePythonVenv, quickstartVenv(), sdkVenv(), restClientVenv()];
let failed = 0;
for (const spec of specs) {
  const t0 = Date.now();
  try {
    await ensureVenv(spec);
    console.log(`python venv .cache/${spec.name}: ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed++;
    console.error(`python venv .cache/${spec.name}: ${(err as Error).message}`);
  }
}
process.exit(failed ? 1 : 0);
