/**
 * @module test/harness
 * A real auth service for tests: SQLite auth store and signing keys in a fresh temp dir, bcrypt cost 4, a clock
 * tests can move forward, and (on demand) an HTTP server on 127.0.0.1:0 for the official Supabase clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { SqliteAuthStore } from '@cadenza/store/sqlite-auth';
import { createAuthService, type AuthService, type AuthServiceOptions, type Mailer, type MailMessage } from '../src/index.ts';

/**
 * A clock that stands still until a test advances it: every time window of the auth service (rate-limit buckets,
 * reuse intervals, token and code lifetimes) then depends on the test's steps only, never on how busy the machine
 * is. It starts at the wall-clock time, so tokens it stamps look current to the official clients.
 */
export class TestClock {
  private t = Date.now();
  now(): number {
    return this.t;
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

export interface Harness {
  auth: AuthService;
  store: SqliteAuthStore;
  clock: TestClock;
  dataDir: string;
  /** Base URL once `listen()` ran. */
  url: string;
  listen(): Promise<string>;
  /** A supabase-js client against this server (no persistence, no auto refresh). */
  supabase(): SupabaseClient;
  close(): Promise<void>;
}

/** The anon key the tests hand to supabase-js (the built-in service does not check it). */
export const ANON_KEY = 'sb_publishable_cadenza_test_key';

export async function startHarness(overrides: Partial<AuthServiceOptions> = {}, dataDir?: string): Promise<Harness> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'cadenza-auth-'));
  const store = new SqliteAuthStore(join(dir, 'auth.db'));
  const clock = new TestClock();
  const auth = await createAuthService({ store, dataDir: dir, clock, bcryptCost: 4, ...overrides });
  let server: Server | undefined;
  const h: Harness = {
    auth,
    store,
    clock,
    dataDir: dir,
    url: '',
    async listen() {
      server = createServer(getRequestListener(auth.app.fetch));
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      h.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return h.url;
    },
    supabase() {
      if (!h.url) throw new Error('call listen() first');
      return createClient(h.url, ANON_KEY, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        realtime: { transport: WebSocket as never },
      });
    },
    async close() {
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await auth.close();
      store.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Keeps every message; `send` records synchronously, so a mail exists once the request that sent it answered. */
export class CapturingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(m: MailMessage): Promise<void> {
    this.sent.push(m);
  }
  /** The 6-digit code (reauthentication nonce, recovery code) of the last mail to `to`. */
  lastCode(to: string): string {
    const mail = this.sent.filter((m) => m.to === to).at(-1);
    const code = mail && /code(?: to confirm it is you)?: (\d{6})\b/.exec(mail.text)?.[1];
    if (!code) throw new Error(`no code mailed to ${to}`);
    return code;
  }
}

/** JSON request against the app without a socket. */
export async function call(
  auth: AuthService,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await auth.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Headers the official clients send. */
export const CLIENT_HEADERS = { apikey: ANON_KEY, 'x-supabase-api-version': '2024-01-01' };
