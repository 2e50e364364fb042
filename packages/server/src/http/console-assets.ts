/**
 * @module http/console-assets
 * The web console (`packages/console`, built by Vite into static files at install time) served at `/`, plus
 * `GET /console/config.json`, which tells the page where its users sign in.
 *
 * Caching: files under `/assets/` carry a content hash in their name, so they are `immutable` for a year;
 * `index.html` (which names the current hashes) and everything else is `no-cache` with an ETag, so a new build
 * is picked up at the next load and an unchanged one costs a 304. The files are read once at start and kept in
 * memory with the brotli and gzip encodings the build made (the whole build is well under a megabyte), so serving
 * is a map lookup.
 * Nothing is fetched from elsewhere at run time: the page, its fonts and scripts all come from this server.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';

/** What the page learns from `/console/config.json`. */
export interface ConsolePageConfig {
  version: string;
  /** The seeded demo user's e-mail, which the login screen mentions; null when there is none. */
  demoEmail: string | null;
  auth: {
    /** Base URL of the Supabase-compatible auth (`<url>/auth/v1`); null = this server (built-in auth). */
    url: string | null;
    /** The `apikey` supabase-js sends: any string for the built-in auth, the project's anon key otherwise. */
    anonKey: string | null;
    /** True when users sign in with an external Supabase project (sign-up may then need an e-mail confirmation). */
    external: boolean;
  };
}

export interface ConsoleAssetsOptions {
  config: ConsolePageConfig;
  log: Logger;
  /** The built console; default: `dist/` of the `@cadenza/console` workspace. */
  dir?: string;
}

interface Asset {
  body: Buffer;
  compressible: boolean;
  gzip?: Buffer;
  br?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.webmanifest']);
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Where `npm install` builds the console. */
export function defaultConsoleDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@cadenza/console/package.json')), 'dist');
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const files = new Set(walk(dir));
  for (const file of files) {
    if (file.endsWith('.br') || file.endsWith('.gz')) continue;
    const path = '/' + relative(dir, file).split(sep).join('/');
    const ext = extname(file);
    const body = readFileSync(file);
    // The build writes .br and .gz beside each text file (packages/console/vite.config.ts); brotli at its best
    // takes seconds, so it is never done here. Without them, gzip is made once, on the first request.
    const encoded = (suffix: string) => (files.has(file + suffix) ? readFileSync(file + suffix) : undefined);
    const br = encoded('.br');
    const gzip = encoded('.gz');
    assets.set(path, {
      body,
      ...(br ? { br } : {}),
      ...(gzip ? { gzip } : {}),
      compressible: COMPRESSIBLE.has(ext) && body.length > 512,
      type: TYPES[ext] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cacheControl: path.startsWith('/assets/') ? IMMUTABLE : 'no-cache',
    });
  }
  return assets;
}

/** The page's Content-Security-Policy: scripts and styles from this server only; sockets to it and to the auth host. */
function contentSecurityPolicy(config: ConsolePageConfig): string {
  const authOrigin = config.auth.url ? new URL(config.auth.url).origin : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    // lightweight-charts and the depth bars set element styles from script.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // 'self' covers this server's ws:// and wss:// too (CSP 3).
    `connect-src 'self'${authOrigin ? ` ${authOrigin}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Routes of the console: `/`, its static files, `/console/config.json`. */
export function consoleRoutes(opts: ConsoleAssetsOptions): Hono {
  const app = new Hono();
  let assets = new Map<string, Asset>();
  let dir: string | undefined;
  try {
    dir = opts.dir ?? defaultConsoleDir();
    assets = loadAssets(dir);
  } catch (err) {
    opts.log.warn({ dir, err: (err as Error).message }, 'the web console is not built (npm run build -w @cadenza/console); / answers 503');
  }
  const csp = contentSecurityPolicy(opts.config);

  const send = (c: Context, asset: Asset, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'cache-control': asset.cacheControl,
      etag: asset.etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
      ...extra,
    };
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
    const accept = c.req.header('accept-encoding') ?? '';
    let body = asset.body;
    if (asset.br && /\bbr\b/.test(accept)) {
      body = asset.br;
      headers['content-encoding'] = 'br';
    } else if (asset.compressible && /\bgzip\b/.test(accept)) {
      body = asset.gzip ??= gzipSync(asset.body, { level: 9 });
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(body.length);
    if (c.req.method === 'HEAD') return c.body(null, 200, headers);
    return c.body(new Uint8Array(body), 200, headers);
  };

  const page = (c: Context) => {
    const index = assets.get('/index.html');
    if (!index) return c.text('The Cadenza web console is not built: run `npm run build -w @cadenza/console`, then restart.\n', 503, { 'cache-control': 'no-store' });
    return send(c, index, { 'content-security-policy': csp, 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
  };
  app.get('/', page);
  app.get('/index.html', page);
  app.get('/console/config.json', (c) => c.json(opts.config, 200, { 'cache-control': 'no-store' }));
  app.get('*', async (c, next) => {
    const asset = c.req.path !== '/index.html' ? assets.get(c.req.path) : undefined;
    if (!asset) return next();
    return send(c, asset);
  });
  return app;
}

/** The page config from the server's auth settings: built-in auth lives on this server. */
export function consolePageConfig(
  version: string,
  auth: { external: boolean; supabaseUrl?: string; anonKey?: string; issuer?: string },
  demoEmail?: string,
): ConsolePageConfig {
  const demo = { demoEmail: demoEmail ?? null };
  if (!auth.external) return { version, ...demo, auth: { url: null, anonKey: 'cadenza-console', external: false } };
  // A Supabase project's issuer is `https://<ref>.supabase.co/auth/v1`: its base URL is what supabase-js wants.
  const url = auth.supabaseUrl ?? auth.issuer?.replace(/\/auth\/v1\/?$/, '') ?? null;
  return { version, ...demo, auth: { url, anonKey: auth.anonKey ?? null, external: true } };
}
