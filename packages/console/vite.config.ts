/**
 * Vite build of the console: TypeScript + Preact (JSX through Vite's own transform, no plugin), the SDK bundled
 * from its TypeScript sources, output in dist/ with content-hashed assets. The build prints what the browser
 * downloads (gzip and brotli), the figure to watch.
 */
import { defineConfig, type Plugin } from 'vite';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';

/**
 * After the build: writes `.br` and `.gz` beside every text file (the server sends them as they are; brotli at
 * quality 11 is too slow to do per start) and prints what a browser downloads.
 */
function precompressAndReport(): Plugin {
  let outDir = '';
  return {
    name: 'cadenza-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      let raw = 0;
      let br = 0;
      let gz = 0;
      const files = [...Object.keys(bundle), 'favicon.svg'].filter((f) => /\.(js|css|html|svg)$/.test(f));
      for (const name of files) {
        const path = join(outDir, name);
        const body = readFileSync(path);
        const b = brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } });
        const g = gzipSync(body, { level: 9 });
        writeFileSync(`${path}.br`, b);
        writeFileSync(`${path}.gz`, g);
        if (name.endsWith('.svg')) continue;
        raw += body.length;
        br += b.length;
        gz += g.length;
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(`\nconsole bundle (JS + CSS + HTML): ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli`);
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [precompressAndReport()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
    // Brotli at its best quality is the slow part of the build, on purpose (once per install): not a warning.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    // `npm run dev -w @cadenza/console` next to `npm start`: the page talks to the server on :8000.
    proxy: {
      '/auth': 'http://localhost:8000',
      '/console/config.json': 'http://localhost:8000',
      '/connection': { target: 'ws://localhost:8000', ws: true },
    },
  },
});
