// The console's static files: caching headers, precompressed encodings, ETags, the page config, and a clear 503
// when the console was never built. Runs against a tiny dist/ written here, not the real build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, brotliCompressSync } from 'node:zlib';
import { pino } from 'pino';
import { consolePageConfig, consoleRoutes } from '../src/http/console-assets.ts';

const log = pino({ level: 'silent' });
const config = consolePageConfig('9.9.9', { external: false });

function dist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>');
  const js = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), js);
  writeFileSync(join(dir, 'assets', 'index-abc123.js.br'), brotliCompressSync(js));
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

test('index.html is no-cache with a CSP; hashed assets are immutable; both carry an ETag that answers 304', async () => {
  const app = consoleRoutes({ dir: dist(), config, log });
  const page = await app.request('/');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  assert.match(page.headers.get('content-type')!, /^text\/html/);
  assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
  assert.match(await page.text(), /index-abc123\.js/);
  const again = await app.request('/', { headers: { 'if-none-match': page.headers.get('etag')! } });
  assert.equal(again.status, 304);

  const js = await app.request('/assets/index-abc123.js');
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(js.headers.get('content-type')!, /^text\/javascript/);
  assert.equal((await js.text()).length, 4016);
});

test('the build’s brotli file is sent to browsers that take it; gzip is made for the others', async () => {
  const app = consoleRoutes({ dir: dist(), config, log });
  const br = await app.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(br.headers.get('content-encoding'), 'br');
  assert.equal(br.headers.get('vary'), 'accept-encoding');
  const gz = await app.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  assert.equal(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString().length, 4016);
  const svg = await app.request('/favicon.svg', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(svg.headers.get('content-encoding'), null); // too small to be worth it
  assert.equal(svg.headers.get('cache-control'), 'no-cache');
});

test('unknown paths fall through (the server answers its JSON 404), /console/config.json says where auth is', async () => {
  const app = consoleRoutes({ dir: dist(), config, log });
  app.notFound((c) => c.json({ errno: 10404 }, 404));
  assert.equal((await app.request('/assets/nope.js')).status, 404);
  assert.equal((await app.request('/api/v3/whatever')).status, 404);
  const cfg = await app.request('/console/config.json');
  assert.equal(cfg.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await cfg.json(), { version: '9.9.9', demoEmail: null, auth: { url: null, anonKey: 'cadenza-console', external: false } });
  assert.equal(consolePageConfig('1', { external: false }, 'demo@cadenza.dev').demoEmail, 'demo@cadenza.dev');
});

test('external Supabase: the page is sent to the project (URL from the issuer unless given) with its anon key', async () => {
  assert.deepEqual(consolePageConfig('1', { external: true, issuer: 'https://abc.supabase.co/auth/v1', anonKey: 'anon-key' }).auth, {
    url: 'https://abc.supabase.co', anonKey: 'anon-key', external: true,
  });
  assert.deepEqual(consolePageConfig('1', { external: true, supabaseUrl: 'https://auth.example.com' }).auth, {
    url: 'https://auth.example.com', anonKey: null, external: true,
  });
  const csp = consoleRoutes({ dir: dist(), config: consolePageConfig('1', { external: true, supabaseUrl: 'https://auth.example.com', anonKey: 'k' }), log });
  const r = await csp.request('/');
  assert.match(r.headers.get('content-security-policy')!, /connect-src 'self' https:\/\/auth\.example\.com;/);
});

test('a console that was never built answers 503 with what to run, not a crash', async () => {
  const app = consoleRoutes({ dir: join(tmpdir(), 'cadenza-no-such-console'), config, log });
  const r = await app.request('/');
  assert.equal(r.status, 503);
  assert.match(await r.text(), /npm run build -w @cadenza\/console/);
});
