/**
 * Test harness: a GatewayNode on an ephemeral loopback port with HS256 JWT hooks, and token minting.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { GatewayNode, ProtocolError, type GatewayHandlers, type GatewayOptions } from '../src/index.ts';
import { createJwtAuthenticator } from './jwt-authenticator.ts';

export const SECRET = 'test-secret-with-enough-length-for-hs256';

export interface TokenClaims {
  sub: string;
  /** Seconds from now; negative = already expired. Omitted = no exp. */
  expiresIn?: number;
  [claim: string]: unknown;
}

/** A token; `expiresIn` counts from `nowMs` (a test's fake clock, when the node runs on one). */
export async function mint(claims: TokenClaims, secret = SECRET, nowMs = Date.now()): Promise<string> {
  const { sub, expiresIn, ...rest } = claims;
  let jwt = new SignJWT({ ...rest }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt();
  if (expiresIn !== undefined) jwt = jwt.setExpirationTime(Math.floor(nowMs / 1000) + expiresIn);
  return jwt.sign(new TextEncoder().encode(secret));
}

/**
 * JWT-backed hooks: any authenticated user may subscribe to public channels; `secret:*` needs a sub token. Tokens are
 * judged on `now` (give the node's clock when it is a fake one).
 */
export function jwtHandlers(extra: Partial<GatewayHandlers> = {}, now?: () => number): GatewayHandlers {
  const auth = createJwtAuthenticator({ hmacSecret: SECRET, now });
  return {
    onConnect: (e) => auth.connect(e.token),
    onRefresh: (e) => auth.refresh(e.token, e.client),
    async onSubscribe(e) {
      if (e.token) return auth.subscribe(e.token, e.channel, e.client);
      if (e.channel.startsWith('secret:')) throw ProtocolError.permissionDenied();
      if (e.channel.startsWith('snap:')) return { data: { snapshot: e.channel } };
      return {};
    },
    async onRpc(e) {
      if (e.method === 'echo') return { data: { echo: e.data, user: e.client.identity.userId } };
      if (e.method === 'fail') throw new ProtocolError(1001, 'custom failure');
      throw ProtocolError.methodNotFound();
    },
    ...extra,
  };
}

/**
 * The node's clock for tests with time windows (pings, pong and expiry deadlines, staleness, close grace, position
 * checks, the command bucket): it starts at the wall clock and then moves only when told. The node polls it on short
 * real-time ticks, so a test advances it and awaits the effect. Tokens with an expiry are minted on it (`mint`'s
 * `nowMs`) and judged on it (`jwtHandlers`' `now`; `startGateway` does that when given `now`).
 */
export function fakeClock(): { now: () => number; advance(ms: number): void } {
  let t = Date.now();
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export interface Running {
  node: GatewayNode;
  http: Server;
  url: string;
  close(): Promise<void>;
}

export async function startGateway(options: Partial<GatewayOptions> = {}): Promise<Running> {
  const node = new GatewayNode({ handlers: jwtHandlers({}, options.now), ...options });
  const http = createServer((_req, res) => res.writeHead(404).end());
  node.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    node,
    http,
    url: `ws://127.0.0.1:${port}/connection/websocket`,
    async close() {
      await node.shutdown(500);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/**
 * Waits have ceilings, never windows: they are there to name what never came, so they are generous enough for a
 * loaded machine.
 */
export const CEILING_MS = 60_000;

/** Resolves with the first emission of `event` (rejects after `ms`). */
export function once<T = unknown>(emitter: { once(event: string, fn: (v: T) => void): unknown }, event: string, ms = CEILING_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${event}`)), ms);
    emitter.once(event, (v: T) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

/** Polls `cond` every 10 ms until true (rejects after `ms`). */
export async function until(cond: () => boolean, ms = CEILING_MS, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
