/**
 * Entry point: reads where auth lives from the server, then renders the console. Everything the page shows comes
 * from the Cadenza server that served it (its RPCs and channels through @cadenza/client, its auth through
 * supabase-js); nothing is loaded from elsewhere.
 */
import { render } from 'preact';
import { App } from './app.tsx';
import { loadPageConfig } from './page-config.ts';
import { createAuth } from './auth/auth-client.ts';
import './ui/theme.css';

const root = document.getElementById('app')!;
try {
  const config = await loadPageConfig();
  render(<App config={config} auth={createAuth(config)} />, root);
} catch (err) {
  render(
    <main class="fatal">
      <h1>Cadenza console</h1>
      <p role="alert">The console could not start: {err instanceof Error ? err.message : String(err)}</p>
    </main>,
    root,
  );
}
