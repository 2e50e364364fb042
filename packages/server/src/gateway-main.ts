/**
 * @module gateway-main
 * `npm run start:gateway`: a real-time node in front of a Cadenza server (see gateway-node.ts). Configured by
 * environment (`npm run start:gateway -- --help`): CADENZA_UPSTREAM_URL, CADENZA_REDIS_URL, CADENZA_PROXY_SECRET
 * (all three required), PORT (8001), CADENZA_HOST, the WebSocket limits, CADENZA_TRUST_PROXY, the log settings.
 * Stops on SIGTERM / SIGINT like the server (stop-on-signals.ts).
 *
 * With CADENZA_GATEWAY_WORKERS=N above 1 this process is the primary of a WorkerPool (@cadenza/gateway): it runs N
 * copies of this program sharing the port, replaces any that dies, and on SIGTERM / SIGINT has each drain as a
 * single node does. Each worker is a whole gateway node; the Redis they share carries what crosses between them.
 */
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { WorkerPool } from '@cadenza/gateway';
import { helpText } from './config-docs.ts';
import { ConfigError, gatewayNodeConfigFromEnv } from './config.ts';
import { announce, createLogger, resolvedFormat } from './logging.ts';
import { startGatewayNode } from './gateway-node.ts';
import { stopOnSignals } from './stop-on-signals.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(helpText('gateway'));
  process.exit(0);
}
if (existsSync('.env')) process.loadEnvFile('.env');

let config: ReturnType<typeof gatewayNodeConfigFromEnv>;
try {
  config = gatewayNodeConfigFromEnv();
} catch (err) {
  console.error(`Cadenza gateway node cannot start: ${err instanceof ConfigError ? err.message : String(err)}\n(npm run start:gateway -- --help lists every variable)`);
  process.exit(1);
}
const format = resolvedFormat(config.logFormat);
if (config.workers > 1 && cluster.isPrimary) await supervise(config.workers);
else await serve();

async function supervise(workers: number): Promise<void> {
  const log = createLogger({ level: config.logLevel, format });
  const pool = new WorkerPool({ workers, log: log.child({ module: 'workers' }) });
  try {
    const { port } = await pool.start();
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const wsUrl = `ws://${host}:${port}/connection/websocket`;
    announce(log, ['', `Cadenza gateway node on ${wsUrl} (${workers} worker processes), in front of ${config.upstreamUrl}`, ''], { msg: `Cadenza gateway node on ${wsUrl}`, websocket: wsUrl, upstream: config.upstreamUrl, workers }, format);
  } catch (err) {
    console.error(`Cadenza gateway node cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
  stopOnSignals({
    stop: () => pool.stop(),
    say: (message, error) => (error === undefined ? log.info(message) : log.error({ err: error }, message)),
  });
}

async function serve(): Promise<void> {
  try {
    const node = await startGatewayNode({ ...config, logFormat: format });
    // A pool's primary announces the node; a worker only says it serves.
    if (cluster.isWorker) node.log.info({ worker: process.env.CADENZA_GATEWAY_WORKER_INDEX, websocket: node.wsUrl }, 'gateway worker serving');
    else announce(node.log, ['', `Cadenza gateway node on ${node.wsUrl}, in front of ${config.upstreamUrl}`, ''], { msg: `Cadenza gateway node on ${node.wsUrl}`, websocket: node.wsUrl, upstream: config.upstreamUrl }, format);
    stopOnSignals({
      stop: () => node.close(),
      say: (message, error) => (error === undefined ? node.log.info(message) : node.log.error({ err: error }, message)),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    console.error(`Cadenza gateway node cannot start: ${e.code === 'EADDRINUSE' ? `port ${config.port} is in use` : e.message}`);
    process.exit(1);
  }
}
