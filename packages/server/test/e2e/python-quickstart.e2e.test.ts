/**
 * The seed's quick start in Python, end to end against the whole server: supabase-py and the official
 * centrifuge-python walk it (python/quickstart.py, asserted by python/quickstart-suite.ts). The same walk runs
 * through a real Centrifugo in front of two servers in centrifugo-cluster.e2e.test.ts.
 */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/server.ts';
import { pythonQuickStartSuite } from './python/quickstart-suite.ts';

let server: RunningServer | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-py-'));
after(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

pythonQuickStartSuite('the quick start in Python: supabase-py and centrifuge-python against the whole server', async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'] });
  return { url: server.url, wsUrl: server.wsUrl, keysDir: join(dataDir, 'keys'), front: 'cadenza' };
});
