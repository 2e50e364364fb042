/**
 * @module gateway-main
 * `npm run start:gateway`: a real-time node in front of a Cadenza server (see gateway-node.ts). Configured by
 * environment: CADENZA_UPSTREAM_URL, CADENZA_REDIS_URL, CADENZA_PROXY_SECRET (all three required), PORT (8001), HOST.
 */
import { startGatewayNode } from './gateway-node.ts';

const env = process.env;
const missing = ['CADENZA_UPSTREAM_URL', 'CADENZA_REDIS_URL', 'CADENZA_PROXY_SECRET'].filter((k) => !env[k]);
if (missing.length > 0) {
  console.error(`Cadenza gateway node cannot start: set ${missing.join(', ')} (the same Redis and proxy secret as the server it fronts).`);
  process.exit(1);
}
const port = Number(env.PORT ?? 8001);
if (!Number.isInteger(port) || port < 0) {
  console.error(`Cadenza gateway node cannot start: PORT must be a non-negative integer, got ${JSON.stringify(env.PORT)}`);
  process.exit(1);
}
try {
  const node = await startGatewayNode({
    port,
    host: env.HOST ?? '0.0.0.0',
    upstreamUrl: env.CADENZA_UPSTREAM_URL!,
    redisUrl: env.CADENZA_REDIS_URL!,
    proxySecret: env.CADENZA_PROXY_SECRET!,
    logLevel: (env.CADENZA_LOG_LEVEL as 'info') ?? 'info',
  });
  process.stdout.write(`\nCadenza gateway node on ${node.wsUrl}, in front of ${env.CADENZA_UPSTREAM_URL}\n\n`);
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(1);
      stopping = true;
      node.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  console.error(`Cadenza gateway node cannot start: ${e.code === 'EADDRINUSE' ? `port ${port} is in use` : e.message}`);
  process.exit(1);
}
