/**
 * @module services/python-venv
 * A Python virtual environment for tests, built once under the repo's git-ignored `.cache/` and reused while what it
 * was built from is unchanged. One run at a time builds it (a lock directory beside it; a lock older than 10 minutes
 * belongs to a run that was killed); it is built under another name and renamed into place, so a run killed
 * mid-install leaves no half-built venv behind. Needs python3 with its venv module and pip's access to PyPI.
 */
import { execFile as execFileCb } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);
const repoRoot = resolve(import.meta.dirname, '../../../..');
/** Written into a finished venv: the key it was built for (another key means rebuild). */
const MARKER = '.cadenza-venv-key';

export interface VenvSpec {
  /** Directory name under .cache/. */
  name: string;
  /** Anything whose change must rebuild the venv (a requirements file's text, a hash of a package's sources). */
  key: string;
  /** pip install arguments, e.g. ['-r', file] or [packageDir]. */
  pipArgs: string[];
  /** Python code that must run without error in a usable venv, e.g. 'import centrifuge'. */
  probe: string;
}

export const pythonOf = (venv: string) => join(venv, 'bin/python');

/** Last lines of a failed command's stderr. */
export function stderrOf(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim().split('\n').slice(-15).join('\n');
}

async function usable(dir: string, spec: VenvSpec): Promise<boolean> {
  try {
    if (readFileSync(join(dir, MARKER), 'utf8') !== spec.key) return false;
    await execFile(pythonOf(dir), ['-c', spec.probe], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`another run has held ${lock} for minutes; delete it if no run is installing`);
      // Nothing to await: another process holds the lock.
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Creates a fresh venv at `dir` and pip-installs into it; throws with pip's own words on failure. */
export async function createVenv(dir: string, pipArgs: string[]): Promise<string> {
  try {
    await execFile('python3', ['-m', 'venv', dir], { timeout: 120_000 });
  } catch (err) {
    throw new Error(`python3 -m venv failed; the test needs Python 3 with its venv module (Debian: apt-get install python3-venv):\n${stderrOf(err)}`);
  }
  try {
    await execFile(pythonOf(dir), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...pipArgs], { timeout: 480_000, cwd: repoRoot });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pip install ${pipArgs.join(' ')} failed (needs access to PyPI):\n${stderrOf(err)}`);
  }
  return pythonOf(dir);
}

/** The python of the venv `.cache/<name>`, (re)building it when it is missing or was built for another key. */
export async function ensureVenv(spec: VenvSpec): Promise<string> {
  const cacheDir = resolve(repoRoot, '.cache');
  const venv = resolve(cacheDir, spec.name);
  if (await usable(venv, spec)) return pythonOf(venv);
  mkdirSync(cacheDir, { recursive: true });
  return withLock(`${venv}.lock`, async () => {
    if (await usable(venv, spec)) return pythonOf(venv);
    for (const name of readdirSync(cacheDir)) {
      if (name.startsWith(`${spec.name}.tmp-`) || name.startsWith(`${spec.name}.old-`)) rmSync(join(cacheDir, name), { recursive: true, force: true });
    }
    const building = `${venv}.tmp-${process.pid}`;
    await createVenv(building, spec.pipArgs);
    writeFileSync(join(building, MARKER), spec.key);
    if (existsSync(venv)) {
      const old = `${venv}.old-${process.pid}`;
      renameSync(venv, old);
      rmSync(old, { recursive: true, force: true });
    }
    renameSync(building, venv);
    return pythonOf(venv);
  });
}
