/** Child process of orders.bench.ts: a full Cadenza server on an ephemeral port, reporting its URL over IPC. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server.ts';

const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: mkdtempSync(join(tmpdir(), 'cadenza-bench-')),
  log: false,
  venues: ['PAPER'],
});
process.send?.({ url: server.url, wsUrl: server.wsUrl, demo: server.demoUser });
process.on('message', async (m: { cmd?: string }) => {
  if (m.cmd === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (m.cmd === 'stop') {
    await server.close();
    process.exit(0);
  }
});
