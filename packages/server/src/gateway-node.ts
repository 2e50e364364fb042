/**
 * @module gateway-node
 * A real-time node without the trading domain: it holds WebSocket connections (Centrifugo protocol) and channel
 * subscriptions, and asks the Cadenza server it fronts ("upstream") for everything else. Several of these behind a
 * load balancer, sharing the upstream's Redis, scale the number of connections while one server keeps the orders.
 *
 *   hooks               the same answers as the full server's (gateway-hooks.ts), asked of the upstream
 *                       (upstream-app.ts): tokens by its `GET /auth/v1/user`, rpc and subscribe by its Centrifugo
 *                       proxy endpoints; a signed-out session's connections close within `sessionCheckSeconds`
 *   publications        from the upstream's publishes, through the Redis broker every node subscribes to
 *   sign-outs           announced by the upstream on Redis (revocation-fanout.ts): the session's connections are cut
 *                       at once, as on the upstream itself
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { forwardedClientAddress } from '@cadenza/auth';
import { GatewayNode, RedisBroker, RedisPresenceManager, type GatewayLimits } from '@cadenza/gateway';
import { channelNamespaces } from './channel-namespaces.ts';
import { gatewayHooks } from './gateway-hooks.ts';
import { Lifecycle } from './lifecycle.ts';
import { revocationSubscriber } from './revocation-fanout.ts';
import { closeHttp, listen } from './http/listen.ts';
import { upstreamGatewayApp } from './upstream-app.ts';
import { createLogger } from './logging.ts';
import type { LogFormat, TrustedProxies } from './config-vars.ts';

export interface GatewayNodeConfig {
  port: number;
  host: string;
  /** The Cadenza server this node fronts, e.g. `http://cadenza-core:8000`. */
  upstreamUrl: string;
  /** The upstream's Redis (`CADENZA_REDIS_URL` there). */
  redisUrl: string;
  /** The upstream's `CADENZA_PROXY_SECRET`. */
  proxySecret: string;
  /** How often a connection's login session is checked again (through the client's token refresh). Default 300. */
  sessionCheckSeconds?: number;
  limits?: GatewayLimits;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logFormat?: LogFormat;
  /** Reverse proxies whose X-Forwarded-For gives the client address for the per-IP cap. */
  trustProxy?: TrustedProxies;
}

export interface RunningGatewayNode {
  log: Logger;
  url: string;
  wsUrl: string;
  port: number;
  gateway: GatewayNode;
  close(): Promise<void>;
}

export async function startGatewayNode(config: GatewayNodeConfig): Promise<RunningGatewayNode> {
  const log: Logger = createLogger({ level: config.logLevel ?? 'info', format: config.logFormat ?? 'json' });
  const app = upstreamGatewayApp({ upstreamUrl: config.upstreamUrl, proxySecret: config.proxySecret, sessionCheckSeconds: config.sessionCheckSeconds ?? 300, log });
  const redis = { url: config.redisUrl, prefix: 'cadenza', log: log.child({ module: 'redis' }) };
  const presence = new RedisPresenceManager(redis);
  const gateway = new GatewayNode({
    handlers: gatewayHooks(app),
    broker: new RedisBroker(redis),
    presence,
    namespaces: channelNamespaces,
    ...(config.limits ? { limits: config.limits } : {}),
    ...(config.trustProxy ? { clientAddress: (req) => forwardedClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], (a) => config.trustProxy!.has(a)) ?? '' } : {}),
    log: log.child({ module: 'centrifuge' }),
    version: 'cadenza gateway node',
  });
  const http: Server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'healthy', connections: gateway.stats().connections }));
    } else {
      res.writeHead(404).end();
    }
  });
  gateway.attach(http);
  const revocations = revocationSubscriber(config.redisUrl, ({ userId, sessionIds }) => {
    for (const sessionId of sessionIds) gateway.disconnectUser(userId, { sessionId, code: 3500, reason: 'invalid token', reconnect: false });
  });

  // Started in order, stopped in reverse (lifecycle.ts).
  const lifecycle = new Lifecycle(log);
  await lifecycle.start([
    { name: 'presence', stop: () => presence.close() },
    { name: 'revocations', start: () => revocations.ready, stop: () => revocations.close() },
    { name: 'http', start: () => listen(http, config.port, config.host), stop: () => closeHttp(http) },
    { name: 'gateway', stop: () => gateway.shutdown() },
  ]);
  const port = (http.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    log,
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/connection/websocket`,
    port,
    gateway,
    close: () => lifecycle.stop(),
  };
}
