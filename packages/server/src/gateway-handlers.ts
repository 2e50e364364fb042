/**
 * @module gateway-handlers
 * The application's answers to the gateway's hooks: who a token belongs to, who may subscribe to what, and
 * where RPCs go. Maps auth failures onto Centrifugo's codes so the official clients react correctly:
 * an expired token → error 109 (the client fetches a new one through `getToken` and reconnects); a bad or
 * revoked token → disconnect 3500 "invalid token" (terminal).
 */
import { parseChannel } from '@cadenza/contract';
import { ProtocolError, Disconnect, type GatewayHandlers, type ClientRef } from '@cadenza/gateway';
import type { BookSnapshot, Venue } from '@cadenza/domain';
import type { Logger } from 'pino';

/** What a verified access token tells us. */
export interface VerifiedClaims {
  sub: string;
  sessionId?: string;
  exp?: number;
  /** Unix seconds until which the token is accepted (`exp` + the auth leeway): the connection's expiry. */
  validUntil?: number;
  isAdmin: boolean;
  email?: string;
}

export interface HandlerDeps {
  verifier: { verify(token: string): Promise<VerifiedClaims> };
  cadenza: {
    authorizeChannel(ctx: CallerContext, channel: string): Promise<{ allowed: true } | { allowed: false; reason?: string }> | { allowed: true } | { allowed: false; reason?: string };
  };
  rpc: {
    dispatch(ctx: CallerContext, method: string, params: unknown): Promise<
      { result: unknown } | { protocolError: { code: number; message: string } }
    >;
  };
  venues: () => Map<string, Venue>;
  toOrderBook(book: BookSnapshot): unknown;
  log: Logger;
  /** Levels in the snapshot carried by an order-book subscribe reply. */
  bookDepth?: number;
}

export interface CallerContext {
  userId: string;
  isAdmin: boolean;
  sessionId?: string;
}

function errorReason(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'reason' in err ? String((err as { reason: unknown }).reason) : undefined;
}

async function verify(deps: HandlerDeps, token: string): Promise<VerifiedClaims> {
  if (!token) throw Disconnect.invalidToken();
  try {
    return await deps.verifier.verify(token);
  } catch (err) {
    if (errorReason(err) === 'expired') throw ProtocolError.tokenExpired();
    deps.log.debug({ reason: errorReason(err) }, 'refused a token');
    throw Disconnect.invalidToken();
  }
}

function callerOf(client: ClientRef): CallerContext {
  const meta = client.identity.meta ?? {};
  return { userId: client.identity.userId, isAdmin: meta.isAdmin === true, sessionId: client.identity.sessionId };
}

/**
 * Whether the caller may subscribe to the channel, and what the subscribe reply carries: an order-book channel's
 * current snapshot, so a client has a book at once. Throws 103 permission denied, or 102 unknown channel for a name
 * that is no channel or names what does not exist (an unknown venue or instrument): "unknown", not "forbidden".
 */
export async function channelGrant(deps: Pick<HandlerDeps, 'cadenza' | 'venues' | 'toOrderBook' | 'bookDepth'>, ctx: CallerContext, channel: string): Promise<{ data?: unknown }> {
  const verdict = await deps.cadenza.authorizeChannel(ctx, channel);
  const ref = parseChannel(channel);
  if (!verdict.allowed) throw ref && verdict.reason !== 'unknown channel' ? ProtocolError.permissionDenied() : ProtocolError.unknownChannel();
  if (ref?.kind === 'market' && ref.stream === 'orderbook' && ref.symbol) {
    const book = deps.venues().get(ref.venue)?.getBook(ref.symbol, deps.bookDepth ?? 20);
    return book ? { data: deps.toOrderBook(book) } : {};
  }
  return {};
}

export function gatewayHandlers(deps: HandlerDeps): GatewayHandlers {
  return {
    async onConnect(e) {
      const claims = await verify(deps, e.token);
      return {
        identity: {
          userId: claims.sub,
          sessionId: claims.sessionId,
          expireAt: claims.validUntil ?? claims.exp,
          meta: { isAdmin: claims.isAdmin },
        },
        // Each connection gets the user's own event stream as a server-side subscription.
        channels: [`user:${claims.sub}`],
      };
    },

    async onRefresh(e) {
      let claims: VerifiedClaims;
      try {
        claims = await deps.verifier.verify(e.token);
      } catch (err) {
        // An unusable refresh token ends the connection with a reconnect code, so the client fetches a fresh token.
        if (errorReason(err) === 'expired') throw Disconnect.expired();
        throw Disconnect.invalidToken();
      }
      // A connection belongs to one login session (sign-out of that session cuts it): a token of another session,
      // even the same user's, cannot take it over.
      if (claims.sub !== e.client.identity.userId || claims.sessionId !== e.client.identity.sessionId) throw Disconnect.invalidToken();
      return { expireAt: claims.validUntil ?? claims.exp };
    },

    onSubscribe: (e) => channelGrant(deps, callerOf(e.client), e.channel),

    async onRpc(e) {
      const outcome = await deps.rpc.dispatch(callerOf(e.client), e.method, e.data);
      if ('protocolError' in outcome) throw new ProtocolError(outcome.protocolError.code, outcome.protocolError.message);
      return { data: outcome.result };
    },
  };
}
