/** What the server tells the page about itself (`GET /console/config.json`, packages/server/src/http/console-assets.ts). */
export interface PageConfig {
  version: string;
  /** The seeded demo user, mentioned on the login screen; null when the server has none. */
  demoEmail: string | null;
  auth: {
    /** Base URL of the Supabase-compatible auth; null = the server that served this page. */
    url: string | null;
    /** The `apikey` supabase-js sends (the anon key of an external Supabase project). */
    anonKey: string | null;
    /** Users sign in with an external Supabase project. */
    external: boolean;
  };
}

export async function loadPageConfig(): Promise<PageConfig> {
  const res = await fetch('/console/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`the server answered ${res.status} for /console/config.json`);
  return (await res.json()) as PageConfig;
}
