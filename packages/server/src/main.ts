/**
 * @module main
 * `npm start`: runs the whole Cadenza server with embedded defaults and prints where everything is.
 */
import { startServer, VERSION, type RunningServer } from './server.ts';

let server: RunningServer;
try {
  server = await startServer();
} catch (err) {
  // A start-up failure is the operator's to fix: say what and how in one line, not a stack trace.
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e.code === 'EADDRINUSE') console.error(`Cadenza cannot start: port ${e.port ?? process.env.PORT ?? 8000} is in use (another Cadenza?). Set PORT to a free one.`);
  else if (e.code === 'EACCES') console.error(`Cadenza cannot start: no permission to listen on port ${e.port ?? process.env.PORT}. Use a port above 1024.`);
  else console.error(`Cadenza cannot start: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.CADENZA_LOG_LEVEL === 'debug' || process.env.CADENZA_LOG_LEVEL === 'trace') console.error(err);
  process.exit(1);
}
const { config } = server;
const base = config.publicUrl ?? `http://localhost:${server.port}`;
const lines = [
  '',
  `Cadenza ${VERSION} is up on ${base}`,
  `  WebSocket (Centrifugo protocol)  ${base.replace(/^http/, 'ws')}/connection/websocket`,
  `  Auth (Supabase-compatible)       ${base}/auth/v1   REST ${base}/api/v3/auth`,
  `  REST mirror of the RPCs          ${base}/api/v3`,
  `  Web console                      ${base}/`,
  `  Health / metrics                 ${base}/health   ${base}/metrics`,
  `  Venues                           ${config.venues.join(', ')}`,
  `  Data directory                   ${config.dataDir}`,
  `  Database                         ${server.database}`,
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
