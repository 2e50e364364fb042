/**
 * @module http/centrifugo-proxy
 * The application backend side of Centrifugo's proxy protocol (docs/gateway.md, "In the Cadenza server"), for real-time
 * nodes that are not this process — `npm run start:gateway` nodes, or a real Centrifugo with `rpc.proxy` and
 * `channel.proxy.subscribe` pointed here:
 *
 *   POST /centrifugo/rpc        {user, method, data | b64data}  → {result: {data}} | {error: {code, message}}
 *   POST /centrifugo/subscribe  {user, channel}                 → {result: {data?}} | {error: {code, message}}
 *
 * The node has already authenticated the connection; `user` is trusted because the request carries the shared
 * secret (`X-Cadenza-Proxy-Secret`, compared in constant time). Without a configured secret these routes do not
 * exist. The admin role is read from the auth store, never from the request.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { ProtocolError } from '@cadenza/gateway';
import type { CallerContext } from '@cadenza/domain';
import type { RpcDispatcher } from '../rpc/index.ts';

export interface CentrifugoProxyOptions {
  secret: string;
  rpc: RpcDispatcher;
  /** Subscribe permission and reply data for a channel (throws ProtocolError when refused). */
  grant(caller: CallerContext, channel: string): Promise<{ data?: unknown }>;
  /** Whether the user holds the admin role (`app_metadata.role`). */
  isAdmin(userId: string): Promise<boolean>;
  log: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

type ProxyBody = { user?: unknown; method?: unknown; channel?: unknown; data?: unknown; b64data?: unknown };

export function centrifugoProxyRoutes(o: CentrifugoProxyOptions): Hono {
  const secret = Buffer.from(o.secret);
  const app = new Hono().basePath('/centrifugo');

  async function read(c: Context): Promise<{ caller: CallerContext; body: ProxyBody } | Response> {
    const given = Buffer.from(c.req.header('x-cadenza-proxy-secret') ?? '');
    if (given.length !== secret.length || !timingSafeEqual(given, secret)) return c.json({ error: { code: 103, message: 'permission denied' } }, 403);
    let body: ProxyBody;
    try {
      body = (await c.req.json()) as ProxyBody;
    } catch {
      return c.json({ error: { code: 107, message: 'bad request' } });
    }
    if (typeof body !== 'object' || body === null || typeof body.user !== 'string' || body.user === '') {
      return c.json({ error: { code: 101, message: 'unauthorized' } });
    }
    return { caller: { userId: body.user, isAdmin: await o.isAdmin(body.user) }, body };
  }

  app.post('/rpc', async (c) => {
    const r = await read(c);
    if (r instanceof Response) return r;
    const { caller, body } = r;
    if (typeof body.method !== 'string') return c.json({ error: { code: 107, message: 'bad request' } });
    const params = typeof body.b64data === 'string' ? Buffer.from(body.b64data, 'base64') : body.data;
    try {
      const outcome = await o.rpc.dispatch(caller, body.method, params);
      if ('protocolError' in outcome) return c.json({ error: outcome.protocolError });
      return c.json({ result: { data: outcome.result } });
    } catch (err) {
      o.log.error({ err, method: body.method }, 'proxied rpc failed');
      return c.json({ error: { code: 100, message: 'internal server error', temporary: true } });
    }
  });

  app.post('/subscribe', async (c) => {
    const r = await read(c);
    if (r instanceof Response) return r;
    const { caller, body } = r;
    if (typeof body.channel !== 'string') return c.json({ error: { code: 107, message: 'bad request' } });
    try {
      const grant = await o.grant(caller, body.channel);
      return c.json({ result: grant.data === undefined ? {} : { data: grant.data } });
    } catch (err) {
      if (err instanceof ProtocolError) return c.json({ error: { code: err.code, message: err.message } });
      o.log.error({ err, channel: body.channel }, 'proxied subscribe failed');
      return c.json({ error: { code: 100, message: 'internal server error', temporary: true } });
    }
  });

  return app;
}
