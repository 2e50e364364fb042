/**
 * Shared by the REST e2e tests: a real server (PAPER and MOCK) on an ephemeral port, users made through the REST
 * auth routes (admins granted with the operator CLI), and `api(operationId, …)`, which sends a contract operation
 * by its id — verb and path from the OpenAPI document, query arrays repeated (form, explode) — and answers the
 * status and body.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '@cadenza/contract';
import { startServer, type RunningServer } from '../../src/server.ts';

export interface RestUser {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export interface RestHarness {
  server: RunningServer;
  user(name: string, opts?: { admin?: boolean }): Promise<RestUser>;
  api(operationId: string, opts?: { token?: string; query?: Record<string, unknown>; body?: unknown }): Promise<Answer>;
}

const root = new URL('../../../../', import.meta.url).pathname;

const routes = new Map<string, { verb: string; path: string }>();
for (const [path, verbs] of Object.entries(openApiDocument.paths)) for (const [verb, op] of Object.entries(verbs)) routes.set(op.operationId, { verb: verb.toUpperCase(), path });

/** Call at the top level of a test file: it registers the file's after() hook. */
export async function restHarness(): Promise<RestHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cadenza-rest-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'], demoUser: null });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function api(operationId: string, opts: { token?: string; query?: Record<string, unknown>; body?: unknown } = {}): Promise<Answer> {
    const route = routes.get(operationId);
    if (!route) throw new Error(`no operation ${operationId}`);
    const url = new URL(server.url + route.path);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(one));
    }
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method: route.verb, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    return { status: res.status, body: await res.json(), headers: res.headers };
  }

  return {
    server,
    api,
    async user(name, opts = {}) {
      const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const password = 'correct-horse-battery-staple';
      const signup = await api('authSignup', { body: { email, password } });
      assert.equal(signup.status, 200, JSON.stringify(signup.body));
      // Not execFileSync: blocking this process for the seconds the CLI takes on a busy machine lets the server close
      // fetch's idle keep-alive socket, which the next request then reuses (ECONNRESET), as rpc-harness.ts found.
      if (opts.admin) await promisify(execFile)(process.execPath, ['--import', 'tsx', 'packages/server/src/admin/admin.ts', 'grant-admin', email, '--data-dir', dataDir], { cwd: root });
      const login = await api('authLogin', { body: { email, password } });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const s = login.body.data;
      return { userId: s.user.id, email, password, accessToken: s.accessToken, refreshToken: s.refreshToken };
    },
  };
}
