/** The demo user's access token from a running server, through the GoTrue password grant (as supabase-js gets it). */
import type { RunningServer } from '../../src/server.ts';

export async function demoToken(server: Pick<RunningServer, 'url' | 'demoUser'>): Promise<string> {
  const res = await fetch(`${server.url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: 'any' },
    body: JSON.stringify(server.demoUser),
  });
  if (!res.ok) throw new Error(`password grant failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
