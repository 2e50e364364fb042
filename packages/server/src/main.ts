/**
 * @module main
 * `npm start`: runs the whole Cadenza server with embedded defaults and prints where everything is.
 */
import { startServer, VERSION } from './server.ts';

const server = await startServer();
const { config } = server;
const base = config.publicUrl ?? `http://localhost:${server.port}`;
const lines = [
  '',
  `Cadenza ${VERSION} is up on ${base}`,
  `  WebSocket (Centrifugo protocol)  ${base.replace(/^http/, 'ws')}/connection/websocket`,
  `  Auth (Supabase-compatible)       ${base}/auth/v1   REST ${base}/api/v3/auth`,
  `  REST mirror of the RPCs          ${base}/api/v3`,
  `  Health / metrics                 ${base}/health   ${base}/metrics`,
  `  Venues                           ${config.venues.join(', ')}`,
  `  Data directory                   ${config.dataDir}`,
  config.demoUser ? `  Demo user                        ${config.demoUser.email} / ${config.demoUser.password}` : '  Auth mode                        external (Supabase project tokens)',
  '',
];
process.stdout.write(lines.join('\n') + '\n');

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`\n${sig}: shutting down (clients are told to reconnect)\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
