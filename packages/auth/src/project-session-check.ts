/**
 * @module project-session-check
 * External mode's optional logout check. A Supabase project's tokens verify locally until they expire, even after
 * the user signed out; the only authority on whether the session still exists is the project's `GET /auth/v1/user`
 * (200 = alive, 403 `session_not_found`/`user_not_found` = gone). This asks it once per session and caches the
 * answer (`cacheSeconds` for "alive", for good for "gone").
 *
 * When the project cannot be reached or answers anything else, the (cryptographically valid) token is accepted and
 * a warning logged: an outage of the project must not lock every trader out.
 */
import type { AuthLogger } from './auth-logger.ts';

export interface ProjectSessionCheckOptions {
  /** `https://<ref>.supabase.co/auth/v1/user`. */
  userUrl: string;
  /** The project's publishable/anon key (its gateway requires `apikey`). */
  apiKey: string;
  cacheSeconds: number;
  now: () => number;
  log: AuthLogger;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const CACHE_LIMIT = 10_000;
const GONE = new Set(['session_not_found', 'user_not_found']);

/** See the module note. */
export class ProjectSessionCheck {
  private readonly cache = new Map<string, { active: boolean; until: number }>();

  constructor(private readonly options: ProjectSessionCheckOptions) {}

  async isActive(sessionId: string, token: string): Promise<boolean> {
    const now = this.options.now();
    const hit = this.cache.get(sessionId);
    if (hit && hit.until > now) return hit.active;
    const active = await this.ask(token);
    if (active === undefined) return true;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(sessionId, { active, until: active ? now + this.options.cacheSeconds * 1000 : Number.POSITIVE_INFINITY });
    return active;
  }

  /** true = alive, false = gone, undefined = no usable answer. */
  private async ask(token: string): Promise<boolean | undefined> {
    const doFetch = this.options.fetch ?? fetch;
    try {
      const res = await doFetch(this.options.userUrl, {
        headers: { apikey: this.options.apiKey, authorization: `Bearer ${token}`, 'x-supabase-api-version': '2024-01-01' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000),
      });
      if (res.ok) {
        await res.body?.cancel();
        return true;
      }
      const body = (await res.json().catch(() => ({}))) as { code?: unknown; error_code?: unknown };
      const code = typeof body.code === 'string' ? body.code : typeof body.error_code === 'string' ? body.error_code : '';
      if ((res.status === 401 || res.status === 403) && GONE.has(code)) return false;
      this.options.log.warn({ status: res.status, code }, 'auth: project session check gave no answer; accepting the token');
      return undefined;
    } catch (err) {
      this.options.log.warn({ err }, 'auth: project session check failed; accepting the token');
      return undefined;
    }
  }
}
