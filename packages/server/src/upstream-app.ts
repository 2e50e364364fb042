/**
 * @module upstream-app
 * A gateway node's answers to the gateway hooks (gateway-hooks.ts), asked of the Cadenza server it fronts:
 *
 *   tokens              the upstream's `GET /auth/v1/user` (signature, expiry, and that the login session still
 *                       exists); the connection expires within `sessionCheckSeconds`, so the client's token refresh
 *                       has the session looked at again
 *   rpc / subscribe     the upstream's Centrifugo proxy endpoints (`/centrifugo/rpc`, `/centrifugo/subscribe`), with
 *                       the shared secret (http/centrifugo-proxy.ts)
 */
import { decodeJwt } from 'jose';
import type { Logger } from 'pino';
import { validUntil } from '@cadenza/auth';
import { Disconnect, ProtocolError } from '@cadenza/gateway';
import type { GatewayApp, Identity } from './gateway-hooks.ts';

export interface UpstreamAppOptions {
  /** The Cadenza server, e.g. `http://cadenza-core:8000`. */
  upstreamUrl: string;
  /** The upstream's `CADENZA_PROXY_SECRET`. */
  proxySecret: string;
  /** How often a connection's login session is checked again (through the client's token refresh). */
  sessionCheckSeconds: number;
  log: Logger;
}

const PROXY_TIMEOUT_MS = 10_000;

export function upstreamGatewayApp(options: UpstreamAppOptions): GatewayApp {
  const upstream = options.upstreamUrl.replace(/\/+$/, '');
  const { log } = options;

  async function identify(token: string): Promise<Identity> {
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
    // The token's expiry, capped so the session is looked at again within sessionCheckSeconds.
    const tokenEnd = typeof claims.exp === 'number' ? validUntil(claims.exp) : Number.MAX_SAFE_INTEGER;
    const id: Identity = { userId: user.id, isAdmin: user.app_metadata?.role === 'admin', expireAt: Math.min(tokenEnd, Math.floor(Date.now() / 1000) + options.sessionCheckSeconds) };
    if (typeof claims.session_id === 'string') id.sessionId = claims.session_id;
    return id;
  }

  async function proxy(kind: 'rpc' | 'subscribe', body: Record<string, unknown>): Promise<{ data?: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${upstream}/centrifugo/${kind}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cadenza-proxy-secret': options.proxySecret },
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

  return {
    identify,
    subscribe: (client, channel) => proxy('subscribe', { client: client.clientId, transport: 'websocket', user: client.identity.userId, channel }),
    async rpc(client, method, data) {
      const payload = data instanceof Uint8Array ? { b64data: Buffer.from(data).toString('base64') } : { data };
      return (await proxy('rpc', { client: client.clientId, transport: 'websocket', user: client.identity.userId, method, ...payload })).data;
    },
  };
}
