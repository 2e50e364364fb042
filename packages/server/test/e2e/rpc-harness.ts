/**
 * Shared by the rpc-*.test.ts files: a real server on an ephemeral port, users signed up through supabase-js,
 * connections through the official centrifuge client, and admins made with the operator CLI.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { Centrifuge, type PublicationContext } from 'centrifuge';
import { createClient } from '@supabase/supabase-js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server.ts';

export interface Harness {
  server: RunningServer;
  dataDir: string;
  /** Signs up (once) and signs in; `admin` grants app_metadata.role = "admin" first. */
  user(name: string, opts?: { admin?: boolean }): Promise<Client>;
}

export interface Client {
  userId: string;
  email: string;
  /** The session's access token (for REST calls). */
  accessToken: string;
  centrifuge: Centrifuge;
  /** The RPC result `{data?, pagination?, error?}`; protocol errors reject. */
  rpc<T = any>(method: string, params?: unknown): Promise<{ data?: T; pagination?: any; error?: { code: number; message: string; temporary?: boolean } }>;
  /** `rpc` that asserts success and returns `data`. */
  ok<T = any>(method: string, params?: unknown): Promise<T>;
  /** Publications of server-side subscriptions (the connection's own `user:{userId}`), as `{channel, data}`. */
  serverPublications: Array<{ channel: string; data: any }>;
  /** Waits for a server-side publication matching `pred`. */
  waitForServerPublication(pred: (p: { channel: string; data: any }) => boolean, timeoutMs?: number): Promise<{ channel: string; data: any }>;
  /** Subscribes to a channel and records publications; resolves once subscribed (or rejects with the error). */
  subscribe(channel: string): Promise<{ publications: any[]; data: unknown; waitFor(pred: (p: any) => boolean, timeoutMs?: number): Promise<any> }>;
}

const root = new URL('../../../../', import.meta.url).pathname;

/**
 * Call at the top level of a test file (not inside a hook): it registers the file's after() hook. `options` go over
 * the defaults (PAPER and MOCK, silent logs).
 */
export async function harness(options: StartOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-rpc-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'], ...options });
  const clients: Centrifuge[] = [];
  after(async () => {
    for (const c of clients) c.disconnect();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const supabase = () =>
    createClient(server.url, 'anon', { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });

  return {
    server,
    dataDir,
    async user(name, opts = {}) {
      const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const password = 'correct-horse-battery-staple';
      const sb = supabase();
      const signUp = await sb.auth.signUp({ email, password });
      assert.equal(signUp.error, null, signUp.error?.message);
      if (opts.admin) {
        // Not execFileSync: blocking this process for the seconds the CLI takes lets the server close the client's idle
        // keep-alive socket unnoticed, and the sign-in below would be sent on it (fetch failed, on a busy machine).
        await promisify(execFile)(process.execPath, ['--import', 'tsx', 'packages/server/src/admin/admin.ts', 'grant-admin', email, '--data-dir', dataDir], { cwd: root });
      }
      const { data, error } = await sb.auth.signInWithPassword({ email, password });
      assert.equal(error, null, error?.message);
      const centrifuge = new Centrifuge(server.wsUrl, { token: data.session!.access_token, websocket: WebSocket });
      clients.push(centrifuge);
      await new Promise<void>((resolve, reject) => {
        centrifuge.once('connected', () => resolve());
        centrifuge.once('disconnected', (ctx) => reject(new Error(`disconnected ${ctx.code} ${ctx.reason}`)));
        centrifuge.connect();
      });
      const rpc = async (method: string, params: unknown = {}) => (await centrifuge.rpc(method, params)).data as never;
      const serverPublications: Array<{ channel: string; data: any }> = [];
      centrifuge.on('publication', (ctx) => serverPublications.push({ channel: ctx.channel, data: ctx.data }));
      return {
        userId: data.user!.id,
        email,
        accessToken: data.session!.access_token,
        centrifuge,
        rpc,
        serverPublications,
        async waitForServerPublication(pred, timeoutMs = 5000) {
          const t0 = Date.now();
          for (;;) {
            const hit = serverPublications.find(pred);
            if (hit) return hit;
            if (Date.now() - t0 > timeoutMs) throw new Error('no matching server-side publication');
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        async ok(method, params = {}) {
          const r = (await rpc(method, params)) as { data?: unknown; error?: unknown };
          assert.equal(r.error, undefined, `${method}: ${JSON.stringify(r.error)}`);
          return r.data as never;
        },
        async subscribe(channel) {
          const publications: any[] = [];
          const waiters: Array<() => void> = [];
          const sub = centrifuge.newSubscription(channel);
          sub.on('publication', (ctx: PublicationContext) => {
            publications.push(ctx.data);
            for (const w of [...waiters]) w();
          });
          const data = await new Promise<unknown>((resolve, reject) => {
            sub.once('subscribed', (ctx) => resolve(ctx.data));
            sub.once('unsubscribed', (ctx) => reject(Object.assign(new Error(`unsubscribed ${ctx.code} ${ctx.reason}`), { code: ctx.code })));
            sub.once('error', (ctx) => reject(Object.assign(new Error(`subscribe error ${ctx.error.code} ${ctx.error.message}`), { code: ctx.error.code })));
            sub.subscribe();
          });
          return {
            publications,
            data,
            waitFor(pred, timeoutMs = 5000) {
              const hit = publications.find(pred);
              if (hit) return Promise.resolve(hit);
              return new Promise((resolve, reject) => {
                const timer = setTimeout(() => reject(new Error(`no matching publication on ${channel}`)), timeoutMs);
                const check = () => {
                  const h = publications.find(pred);
                  if (h) {
                    clearTimeout(timer);
                    waiters.splice(waiters.indexOf(check), 1);
                    resolve(h);
                  }
                };
                waiters.push(check);
              });
            },
          };
        },
      };
    },
  };
}
