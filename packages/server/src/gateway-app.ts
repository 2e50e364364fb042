/**
 * @module gateway-app
 * The full server's answers to the gateway hooks (gateway-hooks.ts): tokens checked by its own auth service,
 * subscriptions by the domain's channel rules, RPCs by its dispatcher.
 */
import { parseChannel } from '@cadenza/contract';
import { isTemporaryFailure } from '@cadenza/auth';
import { Disconnect, ProtocolError, RawJson } from '@cadenza/gateway';
import type { BookSnapshot, CallerContext, ChannelVerdict, Venue } from '@cadenza/domain';
import type { Logger } from 'pino';
import type { GatewayApp } from './gateway-hooks.ts';
import { callerOf } from './gateway-hooks.ts';
import { serialisedData } from './publish/serialised-events.ts';
import type { RpcDispatcher } from './rpc/index.ts';

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

export interface ChannelGrantDeps {
  cadenza: { authorizeChannel(caller: CallerContext, channel: string): ChannelVerdict | Promise<ChannelVerdict> };
  venues: () => ReadonlyMap<string, Venue>;
  toOrderBook(book: BookSnapshot): unknown;
  /** Levels in the snapshot carried by an order-book subscribe reply. */
  bookDepth?: number;
}

export interface GatewayAppDeps {
  verifier: { verify(token: string): Promise<VerifiedClaims> };
  rpc: Pick<RpcDispatcher, 'dispatch'>;
  /** `channelGrant` on the domain, wherever it runs (here, or forwarded to the server holding it). */
  grant(caller: CallerContext, channel: string): Promise<{ data?: unknown }>;
  log: Logger;
}

function errorReason(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'reason' in err ? String((err as { reason: unknown }).reason) : undefined;
}

/**
 * Whether the caller may subscribe to the channel, and what the subscribe reply carries: an order-book channel's
 * current snapshot, so a client has a book at once. Throws 103 permission denied, or 102 unknown channel for a name
 * that is no channel or names what does not exist (an unknown venue or instrument): "unknown", not "forbidden".
 */
export async function channelGrant(deps: ChannelGrantDeps, caller: CallerContext, channel: string): Promise<{ data?: unknown }> {
  const verdict = await deps.cadenza.authorizeChannel(caller, channel);
  const ref = parseChannel(channel);
  if (!verdict.allowed) throw ref && verdict.reason !== 'unknown channel' ? ProtocolError.permissionDenied() : ProtocolError.unknownChannel();
  if (ref?.kind === 'market' && ref.stream === 'orderbook' && ref.symbol) {
    const book = deps.venues().get(ref.venue)?.getBook(ref.symbol, deps.bookDepth ?? 20);
    return book ? { data: deps.toOrderBook(book) } : {};
  }
  return {};
}

export function serverGatewayApp(deps: GatewayAppDeps): GatewayApp {
  return {
    async identify(token) {
      if (!token) throw Disconnect.invalidToken();
      let claims: VerifiedClaims;
      try {
        claims = await deps.verifier.verify(token);
      } catch (err) {
        if (errorReason(err) === 'expired') throw ProtocolError.tokenExpired();
        // The session could not be looked up (the database is away): a temporary error, which the client retries.
        if (isTemporaryFailure(err)) throw new ProtocolError(100, 'internal server error', true);
        deps.log.debug({ reason: errorReason(err) }, 'refused a token');
        throw Disconnect.invalidToken();
      }
      const id = { userId: claims.sub, isAdmin: claims.isAdmin, expireAt: claims.validUntil ?? claims.exp };
      return claims.sessionId === undefined ? id : { ...id, sessionId: claims.sessionId };
    },
    subscribe: (client, channel) => deps.grant(callerOf(client), channel),
    async rpc(client, method, data) {
      const outcome = await deps.rpc.dispatch(callerOf(client), method, data);
      if ('protocolError' in outcome) throw new ProtocolError(outcome.protocolError.code, outcome.protocolError.message);
      const result = outcome.result;
      // An answer that is the object an event just carried (an RFQ's quote) reuses that event's text of it.
      const text = 'pagination' in result || 'error' in result ? undefined : serialisedData(result.data);
      return text === undefined ? result : new RawJson(`{"data":${text}}`);
    },
  };
}
