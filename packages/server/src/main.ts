/**
 * @module main
 * `npm start`: runs the whole Cadenza server with embedded defaults and says where everything is. `--help` prints
 * every variable it reads. The npm script `exec`s node, so SIGTERM and SIGINT reach this process (stop-on-signals.ts).
 */
import { existsSync } from 'node:fs';
import { helpText } from './config-docs.ts';
import { ConfigError, DEMO_USER } from './config.ts';
import { announce } from './logging.ts';
import { startServer, VERSION, type RunningServer } from './server.ts';
import { stopOnSignals } from './stop-on-signals.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(helpText('server', VERSION));
  process.exit(0);
}
// A .env in the working directory (see .env.example); variables already in the environment win.
if (existsSync('.env')) process.loadEnvFile('.env');

let server: RunningServer;
try {
  server = await startServer();
} catch (err) {
  // A start-up failure is the operator's to fix: say what and how, not a stack trace.
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e instanceof ConfigError) console.error(`Cadenza cannot start: ${e.message}\n(npm start -- --help lists every variable)`);
  else if (e.code === 'EADDRINUSE') console.error(`Cadenza cannot start: port ${e.port ?? process.env.PORT ?? 8000} is in use (another Cadenza?). Set PORT to a free one.`);
  else if (e.code === 'EACCES') console.error(`Cadenza cannot start: no permission to listen on port ${e.port ?? process.env.PORT}. Use a port above 1024.`);
  else console.error(`Cadenza cannot start: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.CADENZA_LOG_LEVEL === 'debug' || process.env.CADENZA_LOG_LEVEL === 'trace') console.error(err);
  process.exit(1);
}

const { config, log } = server;
const base = config.publicUrl ?? `http://localhost:${server.port}`;
const ws = `${base.replace(/^http/, 'ws')}/connection/websocket`;
const exposed = config.host === '0.0.0.0' || config.host === '::' ? 'every interface' : config.host;
// The password is shown only when it is the published default: one the operator chose stays out of terminals and logs.
const demoPassword = config.demoUser?.password === DEMO_USER.password ? DEMO_USER.password : '(CADENZA_DEMO_PASSWORD)';
announce(
  log,
  [
    '',
    `Cadenza ${VERSION} is up on ${base}`,
    `  WebSocket (Centrifugo protocol)  ${ws}`,
    `  Auth (Supabase-compatible)       ${base}/auth/v1   REST ${base}/api/v3/auth`,
    `  REST API (OpenAPI, reference)    ${base}/api/v3   ${base}/api/v3/openapi.json   ${base}/docs`,
    `  Web console                      ${base}/`,
    `  Health / metrics                 ${base}/health   ${base}/metrics`,
    `  Listening on                     ${exposed}, port ${server.port}`,
    `  Venues                           ${config.venues.join(', ')}${config.externalVenues?.length ? `; fed externally: ${config.externalVenues.join(', ')}` : ''}`,
    `  Data directory                   ${config.dataDir}`,
    `  Database                         ${server.database}`,
    config.demoUser ? `  Demo user                        ${config.demoUser.email} / ${demoPassword}` : `  Auth mode                        ${config.auth.jwksUrl || config.auth.jwtSecret ? 'external (Supabase project tokens)' : 'built-in, no demo user'}`,
    '',
  ],
  {
    msg: `Cadenza ${VERSION} is up on ${base}`,
    url: base,
    websocket: ws,
    listen: { host: config.host, port: server.port },
    venues: config.venues,
    dataDir: config.dataDir,
    database: server.database,
    demoUser: config.demoUser?.email ?? null,
  },
  server.logFormat,
);

stopOnSignals({
  stop: () => server.close(),
  say: (message, error) => (error === undefined ? log.info(message) : log.error({ err: error }, message)),
});
