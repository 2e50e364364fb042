/**
 * @module gateway-main
 * `npm run start:gateway`: a real-time node in front of a Cadenza server (see gateway-node.ts). Configured by
 * environment (`npm run start:gateway -- --help`): CADENZA_UPSTREAM_URL, CADENZA_REDIS_URL, CADENZA_PROXY_SECRET
 * (all three required), PORT (8001), CADENZA_HOST, the WebSocket limits, CADENZA_TRUST_PROXY, the log settings.
 * Stops on SIGTERM / SIGINT like the server (stop-on-signals.ts).
 */
import { existsSync } from 'node:fs';
import { helpText } from './config-docs.ts';
import { ConfigError, gatewayNodeConfigFromEnv } from './config.ts';
import { announce, resolvedFormat } from './logging.ts';
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
try {
  const node = await startGatewayNode({ ...config, logFormat: format });
  announce(node.log, ['', `Cadenza gateway node on ${node.wsUrl}, in front of ${config.upstreamUrl}`, ''], { msg: `Cadenza gateway node on ${node.wsUrl}`, websocket: node.wsUrl, upstream: config.upstreamUrl }, format);
  stopOnSignals({
    stop: () => node.close(),
    say: (message, error) => (error === undefined ? node.log.info(message) : node.log.error({ err: error }, message)),
  });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  console.error(`Cadenza gateway node cannot start: ${e.code === 'EADDRINUSE' ? `port ${config.port} is in use` : e.message}`);
  process.exit(1);
}
