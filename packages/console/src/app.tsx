/**
 * The console's top level: the login screen until supabase-js holds a session, then the workspace. supabase-js
 * restores a saved session on load and refreshes it in the background; signing out (here or in another tab)
 * clears it and returns to the login screen.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '@supabase/supabase-js';
import type { Auth } from './auth/auth-client.ts';
import type { PageConfig } from './page-config.ts';
import { LoginScreen } from './auth/login-screen.tsx';
import { Workspace } from './workspace.tsx';

export function App({ config, auth }: { config: PageConfig; auth: Auth }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    void auth.getSession().then(({ data }) => setSession(data.session));
    const { data } = auth.onAuthStateChange((_event, s) => setSession(s));
    return () => data.subscription.unsubscribe();
  }, [auth]);

  if (session === undefined) return <div class="splash" aria-busy="true">Loading…</div>;
  if (!session) return <LoginScreen auth={auth} config={config} />;
  return <Workspace key={session.user.id} auth={auth} email={session.user.email ?? ''} config={config} />;
}
