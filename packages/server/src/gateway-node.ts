/**
 * @module gateway-node
 * A real-time node without the trading domain: it holds WebSocket connections (Centrifugo protocol) and channel
 * subscriptions, and asks the Cadenza server it fronts ("upstream") for everything else. Several of these behind a
 * load balancer, sharing the upstream's Redis, scale the number of connections while one server keeps the orders.
 *
 *   connect / refresh   the token is checked by the upstream's `GET /auth/v1/user` (signature, expiry, and that the
 *                       login session still exists); the connection is re-checked every `sessionCheckSeconds` through
 *                       the client's token refresh, so a signed-out session's connections close within that time
 *   rpc / subscribe     forwarded to the upstream's Centrifugo proxy endpoints (`/centrifugo/rpc`, `/centrifugo/subscribe`)
 *                       with the shared secret
 *   publications        from the upstream's publishes, through the Redis broker every node subscribes to
 *   sign-outs           announced by the upstream on Redis (revocation-fanout.ts): the session's connections are cut
 *                       at once, as on the upstream itself
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { pino, type Logger } from 'pino';
import { validUntil } from '@cadenza/auth';
import { Disconnect, GatewayNode, ProtocolError, RedisBroker, RedisPresenceManager, type GatewayHandlers, type GatewayLimits } from '@cadenza/gateway';
import { channelNamespaces } from './channel-namespaces.ts';
import { revocationSubscriber } from './revocation-fanout.ts';

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
}

export interface RunningGatewayNode {
  url: string;
  wsUrl: string;
  port: number;
  gateway: GatewayNode;
  close(): Promise<void>;
}

interface Identified {
  userId: string;
  sessionId?: string;
  /** Unix seconds until which the upstream accepts the token (exp + the auth leeway). */
  exp?: number;
  isAdmin: boolean;
}

const PROXY_TIMEOUT_MS = 10_000;

export async function startGatewayNode(config: GatewayNodeConfig): Promise<RunningGatewayNode> {
  const log: Logger = pino({ level: config.logLevel ?? 'info', redact: ['token', '*.token'] });
  const upstream = config.upstreamUrl.replace(/\/+$/, '');
  const checkEvery = config.sessionCheckSeconds ?? 300;

  async function identify(token: string): Promise<Identified> {
    if (!token) throw Disconnect.invalidToken();
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(token);
    } catch {
      throw Disconnect.invalidToken();
    }
    // The upstream accepts a token until exp + the leeway; refusing it here any earlier would strand the client.
    if (typeof claims.exp === 'number' && validUntil(claims.exp) * 1000 <= Date.now()) throw ProtocolError.tokenExpired();
    let res: Response;
    try {
      res = await fetch(`${upstream}/auth/v1/user`, { headers: { authorization: `Bearer ${token}`, apikey: 'cadenza-gateway-node' }, signal: AbortSignal.timeout(PROXY_TIMEOUT_MS) });
    } catch (err) {
      log.warn({ err }, 'upstream unreachable for a token check');
      throw new ProtocolError(100, 'internal server error', true);
    }
    if (res.status === 401 || res.status === 403) throw Disconnect.invalidToken();
    if (!res.ok) throw new ProtocolError(100, 'internal server error', true);
    const user = (await res.json()) as { id?: string; app_metadata?: { role?: unknown } };
    if (typeof user.id !== 'string' || user.id !== claims.sub) throw Disconnect.invalidToken();
    const out: Identified = { userId: user.id, isAdmin: user.app_metadata?.role === 'admin' };
    if (typeof claims.session_id === 'string') out.sessionId = claims.session_id;
    if (typeof claims.exp === 'number') out.exp = validUntil(claims.exp);
    return out;
  }

  /** The token's expiry, capped so the session is looked at again within `sessionCheckSeconds`. */
  const expireAt = (id: Identified) => Math.min(id.exp ?? Number.MAX_SAFE_INTEGER, Math.floor(Date.now() / 1000) + checkEvery);

  async function proxy(kind: 'rpc' | 'subscribe', body: Record<string, unknown>): Promise<{ data?: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${upstream}/centrifugo/${kind}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cadenza-proxy-secret': config.proxySecret },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(PROXY_TIMEOUT_MS),
      });
    } catch (err) {
      log.warn({ err, kind }, 'upstream unreachable');
      throw new ProtocolError(100, 'internal server error', true);
    }
    if (!res.ok) {
      log.error({ status: res.status, kind }, 'upstream refused the proxy request (is CADENZA_PROXY_SECRET the same?)');
      throw new ProtocolError(100, 'internal server error', true);
    }
    const reply = (await res.json()) as { result?: { data?: unknown }; error?: { code: number; message: string; temporary?: boolean } };
    if (reply.error) throw new ProtocolError(reply.error.code, reply.error.message, reply.error.temporary === true);
    return reply.result ?? {};
  }

  const handlers: GatewayHandlers = {
    async onConnect(e) {
      const id = await identify(e.token);
      return {
        identity: { userId: id.userId, ...(id.sessionId ? { sessionId: id.sessionId } : {}), expireAt: expireAt(id), meta: { isAdmin: id.isAdmin } },
        channels: [`user:${id.userId}`],
      };
    },
    async onRefresh(e) {
      let id: Identified;
      try {
        id = await identify(e.token);
      } catch (err) {
        if (err instanceof ProtocolError && err.code === ProtocolError.tokenExpired().code) throw Disconnect.expired();
        throw err;
      }
      if (id.userId !== e.client.identity.userId || id.sessionId !== e.client.identity.sessionId) throw Disconnect.invalidToken();
      return { expireAt: expireAt(id) };
    },
    onSubscribe: (e) => proxy('subscribe', { client: e.client.clientId, transport: 'websocket', user: e.client.identity.userId, channel: e.channel }),
    async onRpc(e) {
      const payload = e.data instanceof Uint8Array ? { b64data: Buffer.from(e.data).toString('base64') } : { data: e.data };
      return { data: (await proxy('rpc', { client: e.client.clientId, transport: 'websocket', user: e.client.identity.userId, method: e.method, ...payload })).data };
    },
  };

  const redis = { url: config.redisUrl, prefix: 'cadenza', log: log.child({ module: 'redis' }) };
  const presence = new RedisPresenceManager(redis);
  const gateway = new GatewayNode({
    handlers,
    broker: new RedisBroker(redis),
    presence,
    namespaces: channelNamespaces,
    ...(config.limits ? { limits: config.limits } : {}),
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
  await revocations.ready;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let closed = false;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/connection/websocket`,
    port,
    gateway,
    async close() {
      if (closed) return;
      closed = true;
      await gateway.shutdown(); // closes the broker
      await presence.close();
      await revocations.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections?.();
    },
  };
}
