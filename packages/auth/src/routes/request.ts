/**
 * @module routes/request
 * Reading requests the way GoTrue does: a JSON object body (empty = `{}`, unknown fields and nulls accepted,
 * at most 1 MiB), the bearer token (case-insensitive scheme), and the client's address for rate limits.
 */
import type { Context } from 'hono';
import { AuthError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { ClientInfo } from '../sessions.ts';

/** GoTrue's request body limit. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The body as a JSON object. Throws `bad_json` for anything else and `request_entity_too_large` over 1 MiB. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new AuthError('requestTooLarge');
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > MAX_BODY_BYTES) throw new AuthError('requestTooLarge');
  const text = new TextDecoder().decode(buf).trim();
  if (text === '') return {};
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
 * The client's IP and user agent. The IP is the socket's peer address (served by @hono/node-server), or the
 * first `X-Forwarded-For` entry when `trustProxy` is on (only behind a proxy that sets it).
 */
export function clientInfo(c: Context, trustProxy: boolean): ClientInfo {
  let ip: string | null = null;
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for');
    if (fwd) ip = fwd.split(',')[0]?.trim() || null;
  }
  if (ip === null) {
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
    ip = env?.incoming?.socket?.remoteAddress ?? null;
  }
  return { ip, userAgent: c.req.header('user-agent') ?? null };
}
