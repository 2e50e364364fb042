/**
 * @module routes/request
 * Reading requests the way GoTrue does: a JSON object body (empty = `{}`, unknown fields and nulls accepted,
 * at most 1 MiB, nested at most 32 levels), the bearer token (case-insensitive scheme), and the client's address for
 * rate limits.
 */
import type { Context } from 'hono';
import { AuthError } from '../errors.ts';
import { jsonDepthExceeds } from '../json-depth.ts';
import { boundedText } from '../bounded-text.ts';
import type { ClientInfo } from '../sessions.ts';

/** GoTrue's request body limit. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * How deep a body may nest, as on `/api/v3`. User metadata is stored and signed into every access token: thousands
 * of levels overflowed the stack on the way (500), and fewer made tokens no client could use.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The body as a JSON object. Throws `bad_json` for anything else, `request_entity_too_large` over 1 MiB and
 * `validation_failed` when nested deeper than `MAX_JSON_DEPTH`.
 */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new AuthError('requestTooLarge');
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > MAX_BODY_BYTES) throw new AuthError('requestTooLarge');
  const text = new TextDecoder().decode(buf).trim();
  if (text === '') return {};
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw new AuthError('validationFailed', `Request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AuthError('badJson', `Could not parse request body as JSON: ${boundedText((err as Error).message)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AuthError('badJson', 'Could not parse request body as JSON: expected an object');
  }
  return value as Record<string, unknown>;
}


/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), if any. */
export function bearerToken(c: Context): string | undefined {
  const h = c.req.header('authorization');
  const m = h ? /^bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}

/**
 * Which peers are reverse proxies whose `X-Forwarded-For` is believed: `true` = any peer (only when nothing but a
 * proxy can reach the server), a predicate = those it accepts, `false` = none.
 */
export type TrustProxy = boolean | ((address: string) => boolean);

/**
 * The client's address behind trusted proxies: the socket peer unless it is a trusted proxy; then `X-Forwarded-For`
 * read from the right (each proxy appends the address it saw), skipping trusted proxies — the first address that is
 * not one is the client. Entries further left were written by the client itself and are never believed.
 */
export function forwardedClientAddress(peer: string | null | undefined, forwardedFor: string | string[] | null | undefined, trust: TrustProxy): string | null {
  const trusted = trust === true ? () => true : trust === false ? () => false : trust;
  if (!peer || !trusted(peer) || !forwardedFor) return peer ?? null;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',').map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (i === 0 || !trusted(hops[i]!)) return boundedText(hops[i]!);
  }
  return peer;
}

/**
 * The client's IP and user agent. The IP is the socket's peer address (served by @hono/node-server), or the address
 * behind it in `X-Forwarded-For` when the peer is a trusted proxy (`forwardedClientAddress`).
 */
export function clientInfo(c: Context, trustProxy: TrustProxy): ClientInfo {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const ip = forwardedClientAddress(env?.incoming?.socket?.remoteAddress, c.req.header('x-forwarded-for'), trustProxy);
  return { ip, userAgent: c.req.header('user-agent') ?? null };
}
