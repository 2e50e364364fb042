/**
 * @module gateway-hooks
 * The one set of answers to the gateway's hooks, for the full server and for a gateway node alike. They differ only
 * in where the answers come from (`GatewayApp`): the server asks its own auth service and domain
 * (gateway-app.ts), a node asks the server it fronts over HTTP (upstream-app.ts).
 *
 * Auth failures follow Centrifugo so the official clients react correctly (docs/architecture.md, decision 3): an
 * expired token → error 109 on connect (the client fetches a new one through `getToken` and reconnects) and a
 * reconnecting disconnect on refresh; a bad or revoked token → disconnect 3500 "invalid token" (terminal). A
 * connection belongs to one login session: a refresh with a token of another session, even the same user's, ends it.
 */
import { channels } from '@cadenza/contract';
import { Disconnect, ProtocolError, type ClientRef, type GatewayHandlers } from '@cadenza/gateway';
import type { CallerContext } from '@cadenza/domain';

/** Who a token belongs to. */
export interface Identity {
  userId: string;
  sessionId?: string;
  /** Unix seconds when the connection expires unless refreshed. */
  expireAt?: number;
  isAdmin: boolean;
}

export interface GatewayApp {
  /**
   * Who the token belongs to. Throws `ProtocolError.tokenExpired()` for an expired token, `Disconnect.invalidToken()`
   * for a bad or revoked one, a temporary ProtocolError when it cannot tell now.
   */
  identify(token: string): Promise<Identity>;
  /** Whether the client may subscribe, and the subscribe reply's data; throws ProtocolError when refused. */
  subscribe(client: ClientRef, channel: string): Promise<{ data?: unknown }>;
  /** The RPC's result (a `RawJson` when its text is at hand); throws ProtocolError for a protocol-level failure. */
  rpc(client: ClientRef, method: string, data: unknown): Promise<unknown>;
}

/** The caller a connection acts for. */
export function callerOf(client: ClientRef): CallerContext {
  const meta = client.identity.meta ?? {};
  const caller: CallerContext = { userId: client.identity.userId, isAdmin: meta.isAdmin === true };
  if (client.identity.sessionId !== undefined) caller.sessionId = client.identity.sessionId;
  return caller;
}

export function gatewayHooks(app: GatewayApp): GatewayHandlers {
  return {
    async onConnect(e) {
      const id = await app.identify(e.token);
      return {
        identity: { userId: id.userId, sessionId: id.sessionId, expireAt: id.expireAt, meta: { isAdmin: id.isAdmin } },
        // Each connection gets the user's own event stream as a server-side subscription.
        channels: [channels.user(id.userId)],
      };
    },

    async onRefresh(e) {
      let id: Identity;
      try {
        id = await app.identify(e.token);
      } catch (err) {
        // An expired refresh token ends the connection with a reconnect code, so the client fetches a fresh token.
        if (err instanceof ProtocolError && err.code === ProtocolError.tokenExpired().code) throw Disconnect.expired();
        throw err;
      }
      if (id.userId !== e.client.identity.userId || id.sessionId !== e.client.identity.sessionId) throw Disconnect.invalidToken();
      // The role is the new token's: one granted or taken away since connect holds from this refresh on.
      return { expireAt: id.expireAt, meta: { isAdmin: id.isAdmin } };
    },

    onSubscribe: (e) => app.subscribe(e.client, e.channel),

    async onRpc(e) {
      return { data: await app.rpc(e.client, e.method, e.data) };
    },
  };
}
