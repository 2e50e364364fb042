/**
 * The console's one connection to the server: a `CadenzaClient` (the project's SDK, running in the browser on the
 * global WebSocket) whose tokens come from the supabase-js session. centrifuge-js asks for a token on the first
 * connect, before the token expires and after a `109 token expired`; being asked again for a token it already
 * got means the server no longer takes it, so that case forces a refresh.
 */
import { useEffect, useState } from 'preact/hooks';
import { CadenzaClient } from '@cadenza/client';
import type { Auth } from './auth/auth-client.ts';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export function openConnection(auth: Auth): CadenzaClient {
  let handedOut: string | undefined;
  const getToken = async (): Promise<string> => {
    let session = (await auth.getSession()).data.session;
    if (session && session.access_token === handedOut) session = (await auth.refreshSession()).data.session;
    if (!session) throw new Error('signed out');
    handedOut = session.access_token;
    return session.access_token;
  };
  const client = new CadenzaClient({
    url: location.origin,
    getToken,
    // Reconnect quickly after a server restart, but never hammer it: 0.5 s doubling to 8 s, with jitter.
    centrifuge: { name: 'cadenza-console', minReconnectDelay: 500, maxReconnectDelay: 8000 },
  });
  client.connect().catch(() => undefined); // the state hook shows what happens; centrifuge-js keeps retrying
  return client;
}

/** The connection's state, re-rendered on every change. */
export function useConnectionState(client: CadenzaClient): ConnectionState {
  const [state, setState] = useState<ConnectionState>(client.centrifuge.state as ConnectionState);
  useEffect(() => {
    const c = client.centrifuge;
    const onState = (ctx: { newState: string }) => setState(ctx.newState as ConnectionState);
    c.on('state', onState);
    setState(c.state as ConnectionState);
    return () => void c.removeListener('state', onState);
  }, [client]);
  return state;
}

/**
 * Calls `onRefused` when the server ends the session for good (centrifuge-js stops reconnecting): a disconnect
 * code 3500–3999 (`3500 invalid token` after a sign-out elsewhere, a revoked session…) or the client's own
 * `1 unauthorized` (the token source gave up). Code 0 is our own disconnect.
 */
export function useSessionRefused(client: CadenzaClient, onRefused: (reason: string) => void): void {
  useEffect(() => {
    const c = client.centrifuge;
    const onDisconnected = (ctx: { code: number; reason: string }) => {
      if (ctx.code === 1 || (ctx.code >= 3500 && ctx.code < 4000)) onRefused(ctx.reason || `code ${ctx.code}`);
    };
    c.on('disconnected', onDisconnected);
    return () => void c.removeListener('disconnected', onDisconnected);
  }, [client]);
}
