/**
 * @module auth
 * Login over the Supabase-compatible endpoints (`/auth/v1/token`, `/auth/v1/signup`) with plain `fetch`, and a
 * `SessionManager` that hands out a valid access token, refreshing it when it is about to expire.
 *
 * Refresh tokens rotate: each works once. The manager therefore refreshes single-flight (concurrent callers share
 * one request) and reports every new session through `onSession`, so whoever persists it (the CLI) always stores
 * the latest refresh token.
 */
import { AuthError } from './errors.ts';

/** The GoTrue session object (`/token` and auto-confirmed `/signup`). */
export interface AuthSession {
  access_token: string;
  token_type: string;
  /** Seconds from issue. */
  expires_in: number;
  /** Unix seconds. */
  expires_at?: number;
  refresh_token: string;
  user: AuthUser;
}

/** The GoTrue user object (the fields the SDK reads; the server sends more). */
export interface AuthUser {
  id: string;
  email?: string;
  role?: string;
  aud?: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
  created_at?: string;
  last_sign_in_at?: string | null;
  [key: string]: unknown;
}

/** Where and how to reach the auth endpoints. */
export interface AuthEndpointOptions {
  /** Server base URL, e.g. `http://localhost:8000` (the auth API is `<url>/auth/v1`). */
  url: string;
  /** Sent as the `apikey` header (any value for the built-in server; the anon key for hosted Supabase). */
  apiKey?: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** `http://h:p` → `http://h:p/auth/v1`. */
export function authBaseUrl(url: string): string {
  return `${url.replace(/\/+$/, '')}/auth/v1`;
}

async function authRequest(opts: AuthEndpointOptions, path: string, body: unknown): Promise<unknown> {
  const f = opts.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await f(`${authBaseUrl(opts.url)}${path}`, {
      method: 'POST',
      headers: {
        apikey: opts.apiKey ?? 'cadenza-client',
        'content-type': 'application/json;charset=UTF-8',
        'x-supabase-api-version': '2024-01-01',
        'x-client-info': 'cadenza-client/0.1.0',
      },
      body: JSON.stringify(body),
    });
  } catch (cause) {
    throw new AuthError(0, `cannot reach ${opts.url}: ${cause instanceof Error ? cause.message : String(cause)}`, undefined, { cause });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const o = (json ?? {}) as Record<string, unknown>;
    const message = [o.msg, o.message, o.error_description, o.error].find((m): m is string => typeof m === 'string') ?? `HTTP ${res.status}`;
    const code = typeof o.code === 'string' ? o.code : typeof o.error_code === 'string' ? o.error_code : undefined;
    throw new AuthError(res.status, message, code);
  }
  if (json === undefined) throw new AuthError(res.status, `unexpected non-JSON response from ${path}`);
  return json;
}

function asSession(json: unknown): AuthSession {
  const s = json as Partial<AuthSession>;
  if (typeof s.access_token !== 'string' || typeof s.refresh_token !== 'string' || !s.user || typeof s.user.id !== 'string') {
    throw new AuthError(500, 'the auth server returned no session');
  }
  return s as AuthSession;
}

/** `POST /auth/v1/token?grant_type=password`. */
export async function signInWithPassword(opts: AuthEndpointOptions & { email: string; password: string }): Promise<AuthSession> {
  return asSession(await authRequest(opts, '/token?grant_type=password', { email: opts.email, password: opts.password }));
}

/** `POST /auth/v1/token?grant_type=refresh_token`. The old refresh token is spent. */
export async function refreshSession(opts: AuthEndpointOptions & { refreshToken: string }): Promise<AuthSession> {
  return asSession(await authRequest(opts, '/token?grant_type=refresh_token', { refresh_token: opts.refreshToken }));
}

/**
 * `POST /auth/v1/signup`. Returns the session when the server confirms at once (the built-in server does),
 * otherwise `undefined` (confirmation pending).
 */
export async function signUp(opts: AuthEndpointOptions & { email: string; password: string; data?: Record<string, unknown> }): Promise<AuthSession | undefined> {
  const json = (await authRequest(opts, '/signup', { email: opts.email, password: opts.password, data: opts.data ?? {} })) as Record<string, unknown>;
  return typeof json.access_token === 'string' ? asSession(json) : undefined;
}

/** Unix seconds at which the session's access token expires. */
export function sessionExpiresAt(s: AuthSession, nowMs: number): number {
  return s.expires_at ?? Math.floor(nowMs / 1000) + s.expires_in;
}

/** A session to manage and how to refresh it. */
export interface SessionManagerOptions extends AuthEndpointOptions {
  session: AuthSession;
  /** Refresh when fewer than this many seconds of validity are left. Default 30. */
  refreshMarginSeconds?: number;
  /** Called with every new session (after a refresh), e.g. to persist the rotated refresh token. */
  onSession?: (session: AuthSession) => void | Promise<void>;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
}

/** Holds a session and hands out valid access tokens, refreshing (single-flight) when needed. */
export class SessionManager {
  private current: AuthSession;
  private inflight: Promise<AuthSession> | undefined;
  private readonly opts: SessionManagerOptions;
  private readonly listeners = new Set<(s: AuthSession) => void | Promise<void>>();
  /** How many refreshes this manager performed. */
  refreshes = 0;

  constructor(opts: SessionManagerOptions) {
    this.opts = opts;
    this.current = opts.session;
    if (opts.onSession) this.listeners.add(opts.onSession);
  }

  /** Logs in with email and password and returns a manager for the new session. */
  static async signIn(opts: AuthEndpointOptions & Omit<SessionManagerOptions, 'session' | keyof AuthEndpointOptions> & { email: string; password: string }): Promise<SessionManager> {
    const session = await signInWithPassword(opts);
    return new SessionManager({ ...opts, session });
  }

  get session(): AuthSession {
    return this.current;
  }

  get user(): AuthUser {
    return this.current.user;
  }

  /** Subscribes to new sessions; returns the unsubscribe function. */
  onSession(listener: (s: AuthSession) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Seconds of validity left on the current access token (negative when expired). */
  secondsLeft(): number {
    const now = (this.opts.now ?? Date.now)();
    return sessionExpiresAt(this.current, now) - now / 1000;
  }

  /** A token valid for at least the refresh margin; refreshes first when needed. */
  async getAccessToken(): Promise<string> {
    if (this.secondsLeft() > (this.opts.refreshMarginSeconds ?? 30)) return this.current.access_token;
    return (await this.refresh()).access_token;
  }

  /** Refreshes now (concurrent calls share one request, since each refresh token works once). */
  refresh(): Promise<AuthSession> {
    this.inflight ??= (async () => {
      try {
        const next = await refreshSession({ ...this.opts, refreshToken: this.current.refresh_token });
        this.current = next;
        this.refreshes += 1;
        for (const l of this.listeners) await l(next);
        return next;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}
