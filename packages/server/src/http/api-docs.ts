/**
 * @module http/api-docs
 * `GET /docs`: the interactive reference of the REST API — Swagger UI (the `swagger-ui-dist` package, served from
 * this server, never a CDN) over `/api/v3/openapi.json`. "Try it out" calls this server; paste an access token
 * under "Authorize". The page runs no inline script, so its Content-Security-Policy allows scripts from here only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);
const swaggerUiDir = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cadenza REST API</title>
<link rel="icon" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/reference.js"></script>
</body>
</html>
`;

const start = `window.ui = SwaggerUIBundle({
  url: '/api/v3/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
});
`;

/** The files Swagger UI needs, read once from the package. */
const assets = new Map<string, { body: Uint8Array; type: string }>([
  ['swagger-ui-bundle.js', { body: readFileSync(join(swaggerUiDir, 'swagger-ui-bundle.js')), type: 'text/javascript; charset=utf-8' }],
  ['swagger-ui.css', { body: readFileSync(join(swaggerUiDir, 'swagger-ui.css')), type: 'text/css; charset=utf-8' }],
  ['favicon-32x32.png', { body: readFileSync(join(swaggerUiDir, 'favicon-32x32.png')), type: 'image/png' }],
  ['reference.js', { body: new TextEncoder().encode(start), type: 'text/javascript; charset=utf-8' }],
]);

// Swagger UI sets style attributes as it renders; the schema images are data: URLs.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

export function apiDocsRoutes(): Hono {
  const app = new Hono();
  app.get('/docs', (c) => c.html(page, 200, { 'content-security-policy': csp, 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' }));
  app.get('/docs/:file', (c) => {
    const asset = assets.get(c.req.param('file'));
    if (!asset) return c.notFound();
    return c.body(new Uint8Array(asset.body), 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
  });
  return app;
}
