/**
 * @module session-store
 * Where the CLI keeps the login: `$CADENZA_CONFIG_DIR/session.json`, else `$XDG_CONFIG_HOME/cadenza/session.json`,
 * else `~/.config/cadenza/session.json` (on Windows `%APPDATA%\cadenza`). The file holds tokens, so it is written
 * with mode 0600 in a 0700 directory, atomically (write + rename), after login and after every token refresh
 * (refresh tokens rotate: the old one stops working).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthSession } from '../auth.ts';

/** The content of session.json. */
export interface StoredSession {
  /** Server base URL the session belongs to. */
  url: string;
  session: AuthSession;
  /** Trading account used when a command needs one and none is given. */
  defaultAccountId?: string;
}

/** The directory of session.json, by the precedence in the module note. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CADENZA_CONFIG_DIR) return env.CADENZA_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'cadenza');
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'cadenza');
  return join(homedir(), '.config', 'cadenza');
}

/** Reads and writes session.json. */
export class SessionStore {
  readonly path: string;
  constructor(readonly dir: string = configDir()) {
    this.path = join(dir, 'session.json');
  }

  /** The stored session, or undefined when there is none (or it is unreadable). */
  load(): StoredSession | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const s = JSON.parse(text) as StoredSession;
      return typeof s.url === 'string' && typeof s.session?.access_token === 'string' ? s : undefined;
    } catch {
      return undefined;
    }
  }

  save(stored: StoredSession): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }

  /** Replaces only the session part (after a refresh), keeping the other settings. */
  updateSession(session: AuthSession): void {
    const current = this.load();
    if (current) this.save({ ...current, session });
  }

  clear(): boolean {
    const had = this.load() !== undefined;
    rmSync(this.path, { force: true });
    return had;
  }
}
