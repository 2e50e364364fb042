/**
 * @module services/centrifugo-server
 * A real Centrifugo (v6.9.1) for benchmarks and tests that compare with it or put it in front of Cadenza: found on
 * the machine (`CENTRIFUGO_BIN`, then PATH, then `$GOBIN`/`~/go/bin`, checked to be 6.9.1 with `go version -m`) or
 * built once with `go install github.com/centrifugal/centrifugo/v6@v6.9.1` (concurrent callers wait on one lock),
 * then started on a free 127.0.0.1 port with a generated config in a temp dir: connection tokens HS256 with a
 * generated secret, the HTTP API (`POST /api/publish`, …) behind a generated key, `/health` on. Or with a config file
 * of the caller's (`configFile`, e.g. deploy/centrifugo/config.json) and its site-specific settings in the
 * environment: the port, address, API key and health endpoint are set through Centrifugo's own env overrides.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { freePort } from './free-port.ts';
import { stopProcess } from './stop-process.ts';

export const CENTRIFUGO_VERSION = 'v6.9.1';
const MODULE = 'github.com/centrifugal/centrifugo/v6';

export interface CentrifugoOptions {
  /** `channel.namespaces` entries, in Centrifugo's own (snake_case) form. */
  namespaces?: Array<Record<string, unknown>>;
  /** `channel.without_namespace`. */
  withoutNamespace?: Record<string, unknown>;
  /** Top-level sections merged over the generated config (e.g. `{ client: { ... } }` replaces the whole section). */
  config?: Record<string, unknown>;
  /** Default `error`. */
  logLevel?: string;
  /** Extra environment (e.g. `GOMAXPROCS`, or `CENTRIFUGO_*` overrides of `configFile`). */
  env?: Record<string, string>;
  /**
   * Run with this config file as it is (the generated config and `namespaces`, `config`, `logLevel` are not used);
   * `http_server.address`/`port`, `http_api.key` and `health.enabled` come through CENTRIFUGO_* variables. Tokens
   * are the file's business: `token()` refuses.
   */
  configFile?: string;
}

export interface TestCentrifugo {
  /** `ws://127.0.0.1:<port>/connection/websocket` */
  wsUrl: string;
  /** `http://127.0.0.1:<port>` — the HTTP API is under `/api`. */
  httpUrl: string;
  port: number;
  /** The server process id (for /proc/<pid>/… readings). */
  pid: number;
  apiKey: string;
  /** HMAC secret of connection tokens. */
  tokenSecret: string;
  /** A connection token for `sub` (HS256; `expiresIn` seconds from now when given). */
  token(sub: string, claims?: Record<string, unknown>, expiresIn?: number): Promise<string>;
  /** Calls the HTTP API (`method` e.g. `publish`) and returns its `result`; throws on an `error` answer. */
  api(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, out, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(out)));
  });
}

function goBinDir(): string {
  return process.env.GOBIN || join(process.env.GOPATH?.split(delimiter)[0] || join(homedir(), 'go'), 'bin');
}

/** Whether the binary is the wanted release (a `go install`ed binary says v0.0.0 itself; its build info does not). */
async function isWantedVersion(bin: string): Promise<boolean> {
  try {
    const info = await run('go', ['version', '-m', bin], 30_000);
    return new RegExp(`\\bmod\\s+${MODULE.replace(/[./]/g, '\\$&')}\\s+${CENTRIFUGO_VERSION}\\b`).test(info);
  } catch {
    // No Go toolchain to ask: trust a binary someone put there.
    return true;
  }
}

let ensuring: Promise<string> | undefined;

/** The path of a Centrifugo v6.9.1 binary, building it (once per machine) when there is none. */
export function ensureCentrifugo(): Promise<string> {
  ensuring ??= (async () => {
    const candidates = [process.env.CENTRIFUGO_BIN, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'centrifugo')), join(goBinDir(), 'centrifugo')];
    for (const c of candidates) if (c && executable(c) && (await isWantedVersion(c))) return c;
    const started = Date.now();
    // One build per machine: others wait on the lock and then find the binary.
    await run('flock', ['/tmp/cadenza-centrifugo-build.lock', 'sh', '-c', `[ -x "${join(goBinDir(), 'centrifugo')}" ] && go version -m "${join(goBinDir(), 'centrifugo')}" | grep -q "${CENTRIFUGO_VERSION}" || go install ${MODULE}@${CENTRIFUGO_VERSION}`], 1_200_000);
    const built = join(goBinDir(), 'centrifugo');
    if (!executable(built)) throw new Error(`go install ${MODULE}@${CENTRIFUGO_VERSION} left no binary at ${built}`);
    process.stderr.write(`# centrifugo ${CENTRIFUGO_VERSION} built in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    return built;
  })();
  return ensuring;
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`centrifugo exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`centrifugo did not become healthy in 60 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a private Centrifugo; call `stop()` when done. */
export async function startCentrifugo(options: CentrifugoOptions = {}): Promise<TestCentrifugo> {
  const bin = await ensureCentrifugo();
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-centrifugo-'));
  const apiKey = randomBytes(16).toString('hex');
  const tokenSecret = randomBytes(32).toString('hex');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const own = options.configFile !== undefined;
    const config = {
      http_server: { address: '127.0.0.1', port },
      log: { level: options.logLevel ?? 'error' },
      client: { token: { hmac_secret_key: tokenSecret }, allowed_origins: ['*'] },
      http_api: { key: apiKey },
      channel: { namespaces: options.namespaces ?? [], ...(options.withoutNamespace ? { without_namespace: options.withoutNamespace } : {}) },
      health: { enabled: true },
      usage_stats: { disabled: true },
      ...options.config,
    };
    const file = options.configFile ?? join(dir, 'config.json');
    if (!own) writeFileSync(file, JSON.stringify(config, null, 2));
    const overrides = own
      ? { CENTRIFUGO_HTTP_SERVER_ADDRESS: '127.0.0.1', CENTRIFUGO_HTTP_SERVER_PORT: String(port), CENTRIFUGO_HTTP_API_KEY: apiKey, CENTRIFUGO_HEALTH_ENABLED: 'true', CENTRIFUGO_USAGE_STATS_DISABLED: 'true' }
      : {};
    const child = spawn(bin, ['--config', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...overrides, ...options.env }, cwd: dir });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-8192)));
    child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-8192)));
    const httpUrl = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(httpUrl, child, () => out);
    } catch (err) {
      child.kill('SIGKILL');
      // A port found free can be taken before Centrifugo binds it: try a few.
      if (attempt < 2 && /address already in use/i.test(out)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const secret = new TextEncoder().encode(tokenSecret);
    return {
      wsUrl: `ws://127.0.0.1:${port}/connection/websocket`,
      httpUrl,
      port,
      pid: child.pid!,
      apiKey,
      tokenSecret,
      async token(sub, claims = {}, expiresIn) {
        if (own) throw new Error('this Centrifugo checks tokens as its config file says; token() signs only for the generated config');
        let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt();
        if (expiresIn !== undefined) jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
        return jwt.sign(secret);
      },
      async api(method, params) {
        const res = await fetch(`${httpUrl}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify(params) });
        const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
        if (!res.ok || body.error) throw new Error(`centrifugo ${method}: ${res.status} ${JSON.stringify(body.error ?? body)}`);
        return body.result;
      },
      async stop() {
        await stopProcess(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
