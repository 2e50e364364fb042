/**
 * The browser tests drive what the server serves: packages/console/dist. `npm install` builds it (root
 * postinstall); after an edit under src/ it is stale, so it is rebuilt here first (Vite, a few seconds).
 *
 * Two browser test files run at once and may both find dist stale. Vite empties dist before writing it, so a
 * second build would pull the files from under the first file's browser, and two builds at once trip Vite's own
 * lock. So the check and the build run under one file lock (flock(1)): the first builds, the others find it fresh.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';

const root = fileURLToPath(new URL('../..', import.meta.url));
const self = fileURLToPath(import.meta.url);

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

function isFresh(): boolean {
  let built = 0;
  try {
    built = statSync(join(root, 'dist', 'index.html')).mtimeMs;
  } catch {
    // never built
  }
  const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'index.html')), newest(join(root, 'vite.config.ts')), newest(join(root, '../client/src')));
  return built > sources;
}

function buildIfStale(): void {
  if (isFresh()) return;
  execFileSync(process.execPath, [join(root, '../../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

export function ensureFreshBuild(): void {
  if (isFresh()) return;
  // One lock per checkout: worktrees of the same repository build their own dist.
  const lock = join(tmpdir(), `cadenza-console-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`);
  execFileSync('flock', [lock, process.execPath, '--import', 'tsx', self, '--build-if-stale'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url && process.argv.includes('--build-if-stale')) buildIfStale();
