/**
 * @module http/centrifugo-proxy
 * The application backend side of Centrifugo's proxy protocol (contract: centrifuge-protocol.md §8; docs/gateway.md,
 * "In the Cadenza server"; docs/scale-out.md), for real-time nodes that are not this process — a Centrifugo cluster
 * (deploy/centrifugo/config.json), `npm run start:gateway` nodes — and for the other Cadenza servers of a cluster,
 * which forward domain calls to the lease holder here:
 *
 *   POST /centrifugo/connect    {client, …} + Authorization: Bearer <access token>
 *                               → {result: {user, expire_at, channels: ["user:<id>"], meta: {session_id}}}
 *   POST /centrifugo/refresh    {user, meta?}          → {result: {expire_at}} | {result: {expired: true}}
 *   POST /centrifugo/rpc        {user, method, data | b64data}  → {result: {data}} | {error: {code, message}}
 *   POST /centrifugo/subscribe  {user, channel}        → {result: {data?}} | {error: {code, message}}
 *
 * Every request carries the shared secret (`X-Cadenza-Proxy-Secret`, compared in constant time): Centrifugo sends it
 * as a static header of its proxies. `user` is then trusted (the node authenticated the connection); the admin role
 * is read from the auth store (cached 5 s), never from the request. Without a configured secret these routes do not
 * exist.
 *
 * Connection lifetime: the connect proxy answers for clients that connect without a token (the access token in an
 * `Authorization` header, real or emulated); a connection it admits, or one whose token carried `meta.session_id`,
 * lives while its login session does — the refresh proxy extends it by `sessionCheckSeconds` at a time while the
 * session exists, and answers `expired` once it is gone (Centrifugo closes with 3005; the client comes back with a
 * fresh token, which a signed-out session cannot get). A connection with no known session expires with its token.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { channels } from '@cadenza/contract';
import { ProtocolError } from '@cadenza/gateway';
import type { CallerContext } from '@cadenza/domain';
import type { DomainAccess } from '../cluster/domain-access.ts';

/** Who an access token belongs to (the auth verifier's answer). */
export interface ProxyIdentity {
  userId: string;
  sessionId?: string;
}

export interface CentrifugoProxyOptions {
  secret: string;
  /**
   * Where domain calls go. `forwarded` is true for a call another Cadenza server forwarded here (it must be answered
   * here, never forwarded again).
   */
  domain(forwarded: boolean): DomainAccess;
  /** Whether the user holds the admin role (`app_metadata.role`). */
  isAdmin(userId: string): Promise<boolean>;
  /** Verifies an access token; throws a TokenError-like `{reason: 'expired' | …}` when refused. */
  identify(token: string): Promise<ProxyIdentity>;
  /** Whether a login session still exists (throws while the auth store cannot tell). */
  sessionAlive(sessionId: string): Promise<boolean>;
  /** How long a connection lives between session checks. Default 300 s. */
  sessionCheckSeconds?: number;
  log: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

/** Set by a Cadenza server that forwards a domain call to the lease holder. */
export const FORWARDED_HEADER = 'x-cadenza-forwarded';
/** The shared secret's header (Centrifugo: a static header of every proxy, deploy/centrifugo/config.json). */
export const SECRET_HEADER = 'x-cadenza-proxy-secret';

type ProxyBody = { user?: unknown; method?: unknown; channel?: unknown; data?: unknown; b64data?: unknown; meta?: unknown; paramsChecked?: unknown };

const ADMIN_CACHE_MS = 5000;

export function centrifugoProxyRoutes(o: CentrifugoProxyOptions): Hono {
  const secret = Buffer.from(o.secret);
  const checkEvery = o.sessionCheckSeconds ?? 300;
  const app = new Hono().basePath('/centrifugo');
  const admins = new Map<string, { admin: boolean; until: number }>();

  async function isAdmin(userId: string): Promise<boolean> {
    const now = Date.now();
    const hit = admins.get(userId);
    if (hit && hit.until > now) return hit.admin;
    const admin = await o.isAdmin(userId);
    if (admins.size >= 10_000) admins.clear();
    admins.set(userId, { admin, until: now + ADMIN_CACHE_MS });
    return admin;
  }

  function authorised(c: Context): boolean {
    const given = Buffer.from(c.req.header(SECRET_HEADER) ?? '');
    return given.length === secret.length && timingSafeEqual(given, secret);
  }

  async function body(c: Context): Promise<ProxyBody | undefined> {
    try {
      const b = (await c.req.json()) as unknown;
      return typeof b === 'object' && b !== null ? (b as ProxyBody) : undefined;
    } catch {
      return undefined;
    }
  }

  async function read(c: Context): Promise<{ caller: CallerContext; body: ProxyBody } | Response> {
    if (!authorised(c)) return c.json({ error: { code: 103, message: 'permission denied' } }, 403);
    const b = await body(c);
    if (!b) return c.json({ error: { code: 107, message: 'bad request' } });
    if (typeof b.user !== 'string' || b.user === '') return c.json({ error: { code: 101, message: 'unauthorized' } });
    try {
      return { caller: { userId: b.user, isAdmin: await isAdmin(b.user) }, body: b };
    } catch (err) {
      o.log.warn({ err }, 'proxy: cannot read the caller\'s role');
      return c.json({ error: { code: 100, message: 'internal server error', temporary: true } });
    }
  }

  const expireAt = () => Math.floor(Date.now() / 1000) + checkEvery;

  app.post('/connect', async (c) => {
    if (!authorised(c)) return c.json({ error: { code: 103, message: 'permission denied' } }, 403);
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) return c.json({ disconnect: { code: 3500, reason: 'invalid token' } });
    let id: ProxyIdentity;
    try {
      id = await o.identify(token);
    } catch (err) {
      const reason = (err as { reason?: unknown }).reason;
      if (reason === 'expired') return c.json({ error: { code: 109, message: 'token expired' } });
      if ((err as { temporary?: unknown }).temporary === true) return c.json({ error: { code: 100, message: 'internal server error', temporary: true } });
      if (reason === undefined) o.log.error({ err }, 'connect proxy: token check failed');
      return c.json({ disconnect: { code: 3500, reason: 'invalid token' } });
    }
    return c.json({
      result: {
        user: id.userId,
        expire_at: expireAt(),
        channels: [channels.user(id.userId)],
        ...(id.sessionId ? { meta: { session_id: id.sessionId } } : {}),
      },
    });
  });

  app.post('/refresh', async (c) => {
    if (!authorised(c)) return c.json({ error: { code: 103, message: 'permission denied' } }, 403);
    const b = await body(c);
    const sessionId = (b?.meta as { session_id?: unknown } | undefined)?.session_id;
    // No session known (a token without Cadenza's meta): the connection ends with its token; the client reconnects with a fresh one.
    if (typeof sessionId !== 'string') return c.json({ result: { expired: true } });
    try {
      return c.json({ result: (await o.sessionAlive(sessionId)) ? { expire_at: expireAt() } : { expired: true } });
    } catch (err) {
      // Centrifugo gives the connection another minute when the refresh proxy fails.
      o.log.warn({ err }, 'refresh proxy: cannot tell whether the session lives');
      return c.json({ error: { code: 100, message: 'internal server error', temporary: true } }, 503);
    }
  });

  app.post('/rpc', async (c) => {
    const r = await read(c);
    if (r instanceof Response) return r;
    const { caller, body: b } = r;
    if (typeof b.method !== 'string') return c.json({ error: { code: 107, message: 'bad request' } });
    const params = typeof b.b64data === 'string' ? Buffer.from(b.b64data, 'base64') : b.data;
    const forwarded = c.req.header(FORWARDED_HEADER) !== undefined;
    try {
      const outcome = await o.domain(forwarded).rpc.dispatch(caller, b.method, params, forwarded && b.paramsChecked === true ? { paramsChecked: true } : {});
      if ('protocolError' in outcome) return c.json({ error: outcome.protocolError });
      return c.json({ result: { data: outcome.result } });
    } catch (err) {
      o.log.error({ err, method: b.method }, 'proxied rpc failed');
      return c.json({ error: { code: 100, message: 'internal server error', temporary: true } });
    }
  });

  app.post('/subscribe', async (c) => {
    const r = await read(c);
    if (r instanceof Response) return r;
    const { caller, body: b } = r;
    if (typeof b.channel !== 'string') return c.json({ error: { code: 107, message: 'bad request' } });
    try {
      const grant = await o.domain(c.req.header(FORWARDED_HEADER) !== undefined).grant(caller, b.channel);
      return c.json({ result: grant.data === undefined ? {} : { data: grant.data } });
    } catch (err) {
      if (err instanceof ProtocolError) return c.json({ error: { code: err.code, message: err.message, ...(err.temporary ? { temporary: true } : {}) } });
      o.log.error({ err, channel: b.channel }, 'proxied subscribe failed');
      return c.json({ error: { code: 100, message: 'internal server error', temporary: true } });
    }
  });

  return app;
}
