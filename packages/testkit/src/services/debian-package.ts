/**
 * @module services/debian-package
 * Finds a program a test needs and, when the machine lacks it (a fresh CI machine), installs its Debian package once
 * with apt-get (the machines run as root). Concurrent test files wait on one lock file per package, so one installs
 * and the others find it installed; `apt-get update` runs only when the install fails with the lists at hand.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The absolute path of `program` on PATH (or in /usr/bin, /usr/local/bin), if any. */
export function findProgram(program: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  for (const d of dirs) {
    const p = join(d, program);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

const installs = new Map<string, Promise<string>>();

/** The path of `program`, installing Debian package `pkg` (once per machine) when it is missing. */
export function ensureProgram(program: string, pkg: string): Promise<string> {
  const found = findProgram(program);
  if (found) return Promise.resolve(found);
  let installing = installs.get(pkg);
  if (!installing) {
    const log = `/tmp/cadenza-${pkg}-install.log`;
    const script = `
if command -v ${program} >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends ${pkg} >${log} 2>&1 || {
  apt-get update -q >>${log} 2>&1 && apt-get install -y -q --no-install-recommends ${pkg} >>${log} 2>&1
} || { tail -20 ${log} >&2; exit 1; }
`;
    installing = new Promise<string>((resolve, reject) => {
      const started = Date.now();
      execFile('flock', [`/tmp/cadenza-${pkg}-install.lock`, 'sh', '-c', script], { timeout: 600_000 }, (err, _out, stderr) => {
        const bin = findProgram(program);
        if (err || !bin) {
          reject(new Error(`could not install ${pkg} with apt-get: ${err?.message ?? `${program} not on PATH after install`}\n${stderr}`));
          return;
        }
        process.stderr.write(`# ${program} ready after ${((Date.now() - started) / 1000).toFixed(1)} s (apt-get install ${pkg})\n`);
        resolve(bin);
      });
    });
    installs.set(pkg, installing);
  }
  return installing;
}
