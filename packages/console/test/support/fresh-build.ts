/**
 * The browser tests drive what the server serves: packages/console/dist. `npm install` builds it (root
 * postinstall); after an edit under src/ it is stale, so it is rebuilt here first (Vite, a few seconds).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

export function ensureFreshBuild(): void {
  let built = 0;
  try {
    built = statSync(join(root, 'dist', 'index.html')).mtimeMs;
  } catch {
    // never built
  }
  const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'index.html')), newest(join(root, 'vite.config.ts')), newest(join(root, '../client/src')));
  if (built > sources) return;
  execFileSync(process.execPath, [join(root, '../../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
