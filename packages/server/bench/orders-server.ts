/** Child process of orders.bench.ts: a full Cadenza server on an ephemeral port, reporting its URL over IPC. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-bench-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  log: false,
  venues: ['PAPER'],
});
process.send?.({ url: server.url, wsUrl: server.wsUrl, demo: server.demoUser });
// The bench process owns this one: if it goes away (a crash, ^C), so does the server.
process.on('disconnect', () => process.exit(0));
process.on('message', async (m: { cmd?: string }) => {
  if (m.cmd === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (m.cmd === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (m.cmd === 'stop') {
    await server.close();
    process.exit(0);
  }
});
