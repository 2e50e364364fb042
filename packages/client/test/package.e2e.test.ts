/**
 * `@cadenza/client` as a user gets it: built (scripts/build-sdk.ts) and packed with `npm pack`, installed from the
 * tarball alone into an empty project with `npm install <tarball>` (third-party dependencies from the npm registry),
 * then
 * - the README's SDK example runs there with plain `node` (no tsx, no TypeScript) against a live server — twice, the
 *   second run reusing the account the first created — and type-checks against the package's own declarations;
 * - a browser entry importing the package is bundled with esbuild for the browser and run in headless Chromium
 *   against the same server: login, connect, typed RPC, the local order book, an order.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { startServer, type RunningServer } from '@cadenza/server';
import { launchChromium } from '@cadenza/testkit/services/chromium';

const execFile = promisify(execFileCb);
const root = resolve(import.meta.dirname, '../../..');

/** The environment without npm's own `npm_*` variables (an outer `npm test` must not steer the inner npm). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_'))), ...extra };
}

/** The code of the first ```ts block in `file` that contains `marker`. */
function codeBlock(file: string, marker: string): string {
  const text = readFileSync(resolve(root, file), 'utf8');
  const block = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes(marker));
  assert.ok(block, `${file} has a ts block with ${marker}`);
  return block;
}

/** examples/quick-start.ts without its leading comment lines: what the docs must show. */
function exampleCode(): string {
  const lines = readFileSync(resolve(root, 'packages/client/examples/quick-start.ts'), 'utf8').split('\n');
  return lines.slice(lines.findIndex((l) => !l.startsWith('//'))).join('\n');
}

function sizeOf(dir: string): number {
  return readdirSync(dir).reduce((n, name) => {
    const p = join(dir, name);
    const st = statSync(p);
    return n + (st.isDirectory() ? sizeOf(p) : st.size);
  }, 0);
}

let work: string;
let app: string;
let tarball: string;
let server: RunningServer;
let dataDir: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'cadenza-pack-'));
  dataDir = mkdtempSync(join(tmpdir(), 'cadenza-pack-data-'));
  const serverStarted = startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'] });
  const built = join(work, 'package');
  await execFile(process.execPath, ['--import', 'tsx', 'scripts/build-sdk.ts', '--out', built], { cwd: root, timeout: 180_000 });
  const { stdout } = await execFile('npm', ['pack', built, '--pack-destination', work, '--json'], { cwd: work, env: cleanEnv(), timeout: 120_000 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; size: number; unpackedSize: number; entryCount: number }>;
  tarball = join(work, packed!.filename);
  process.stderr.write(`# ${packed!.filename}: ${packed!.size} bytes packed, ${packed!.unpackedSize} unpacked, ${packed!.entryCount} files\n`);

  app = join(work, 'app');
  await execFile('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sdk-user', private: true, type: 'module' }));
  // The README's first quick start uses the official clients directly; the same project runs it.
  const rootDeps = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
  const official = ['@supabase/supabase-js', 'ws'].map((d) => `${d}@${rootDeps[d]}`);
  await execFile('npm', ['install', tarball, ...official, '--no-audit', '--no-fund'], { cwd: app, env: cleanEnv(), timeout: 300_000 });
  server = await serverStarted;
}, { timeout: 600_000 });

after(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the packed SDK in an empty Node project', () => {
  test('the tarball holds built JavaScript and declarations, no TypeScript sources; no dev tool is installed with it', () => {
    const pkg = join(app, 'node_modules/@cadenza/client');
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), ['ajv', 'ajv-formats', 'centrifuge', 'ws']);
    const files = (function list(dir: string): string[] {
      return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? list(join(dir, n)) : [join(dir, n)]));
    })(pkg);
    assert.equal(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).length, 0, 'no .ts sources');
    assert.ok(existsSync(join(pkg, 'index.js')) && existsSync(join(pkg, manifest.types)));
    for (const tool of ['tsx', 'typescript', 'esbuild', '@cadenza/contract', 'playwright-core']) assert.equal(existsSync(join(app, 'node_modules', tool)), false, `${tool} is not installed`);
    process.stderr.write(`# installed @cadenza/client: ${sizeOf(pkg)} bytes; node_modules ${sizeOf(join(app, 'node_modules'))} bytes\n`);
  });

  test('the README, docs/sdk.md and the package README show examples/quick-start.ts', () => {
    const code = exampleCode();
    for (const doc of ['README.md', 'docs/sdk.md', 'packages/client/README.md']) assert.equal(codeBlock(doc, 'CadenzaClient.login(').trim(), code.trim(), `${doc} shows the example as it is`);
  });

  test("the README's SDK example runs with plain node, exits by itself, and reuses its account on the second run", async () => {
    writeFileSync(join(app, 'quick-start.mjs'), codeBlock('README.md', 'CadenzaClient.login('));
    const run = () => execFile(process.execPath, ['quick-start.mjs'], { cwd: app, env: cleanEnv({ CADENZA_URL: server.url }), timeout: 60_000 });
    const first = await run();
    const lines = first.stdout.trim().split('\n');
    assert.match(lines[0]!, /^BTC\/USDT bid \d+(\.\d+)?  ask \d+(\.\d+)?  spread \d+(\.\d+)?$/, first.stdout);
    assert.match(lines[1]!, /^\d+ instruments; order FILLED 0\.01 @ \d+(\.\d+)?$/);
    const btc = (out: string) => Number(/BTC (\d+(\.\d+)?)/.exec(out)?.[1]);
    assert.ok(btc(first.stdout) > 1, `bought BTC: ${lines[2]}`);
    const second = await run();
    assert.ok(btc(second.stdout) > btc(first.stdout), `the second run bought into the same account: ${btc(first.stdout)} → ${btc(second.stdout)}`);
  });

  test("the README's quick start with the official clients runs, exits by itself, and reuses its account", async () => {
    writeFileSync(join(app, 'official.mjs'), codeBlock('README.md', 'createClient('));
    const run = () => execFile(process.execPath, ['official.mjs'], { cwd: app, env: cleanEnv({ CADENZA_URL: server.url }), timeout: 60_000 });
    const first = await run();
    assert.match(first.stdout, /BTC\/USDT/);
    assert.equal(first.stdout.match(/^best bid \[/gm)?.length, 3, first.stdout);
    assert.match(first.stdout, /^FILLED \d+(\.\d+)?$/m);
    assert.match(first.stdout, /^event\.trade_order\.updated/m);
    const btc = (out: string) => Number(/BTC (\d+(\.\d+)?)/.exec(out)?.[1]);
    const second = await run();
    assert.ok(btc(second.stdout) > btc(first.stdout), `the second run bought into the same account: ${btc(first.stdout)} → ${btc(second.stdout)}`);
  });

  test("the example type-checks against the package's declarations (strict, no `!` needed)", async () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, allowJs: true, checkJs: true, skipLibCheck: false, typeRoots: [join(root, 'node_modules/@types')], types: ['node'] },
        files: ['quick-start.mjs'],
      }),
    );
    const tsc = await execFile(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app, timeout: 120_000 }).catch((e: { stdout: string }) => e);
    assert.equal(tsc.stdout, '', `tsc found errors:\n${tsc.stdout}`);
  });

  test('CommonJS callers can require() the package on Node ≥ 20.19', async () => {
    const { stdout } = await execFile(process.execPath, ['-e', "const m = require('@cadenza/client'); console.log(typeof m.CadenzaClient, m.Venue.PAPER)"], { cwd: app });
    assert.equal(stdout.trim(), 'function PAPER');
  });
});

describe('the packed SDK bundled for a browser', () => {
  let page: Server;

  after(() => page?.close());

  test('esbuild bundles it without Node built-ins, and it logs in, streams a book and trades in headless Chromium', async () => {
    writeFileSync(
      join(app, 'browser-entry.js'),
      `import { CadenzaClient, CadenzaRpcError } from '@cadenza/client';
const out = {};
try {
  const url = new URLSearchParams(location.search).get('server');
  const client = await CadenzaClient.login({ url, email: 'demo@cadenza.dev', password: 'cadenza-demo' });
  await client.connect();
  out.webSocket = client.centrifuge && typeof WebSocket === 'function';
  out.instruments = (await client.rpc('query.instrument.list', { venue: 'PAPER' })).map((i) => i.instrumentId);
  const book = client.orderBook('PAPER', 'BTC/USDT');
  await book.ready;
  out.book = { bid: book.best.bid?.price, ask: book.best.ask?.price, synced: book.synced };
  const account = await client.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'browser' } });
  const order = await client.submitOrder(account.tradingAccountId, { instrumentId: 'PAPER:BTC/USDT', orderSide: 'BUY', orderType: 'MARKET', quantity: '0.01' }, { awaitClosed: true });
  out.order = { status: order.status, executedQuantity: order.executedQuantity };
  try { await client.rpc('query.portfolio.get', { tradingAccountId: '00000000-0000-4000-8000-000000000000' }); } catch (e) { out.refused = e instanceof CadenzaRpcError ? e.errorName : String(e); }
  await client.close();
} catch (e) {
  out.failure = String(e && e.stack || e);
}
window.__result = out;
`,
    );
    const bundled = await build({ entryPoints: [join(app, 'browser-entry.js')], absWorkingDir: app, bundle: true, platform: 'browser', format: 'esm', target: 'es2022', minify: true, write: false, logLevel: 'silent', metafile: true });
    const js = bundled.outputFiles[0]!.text;
    const inputs = Object.keys(bundled.metafile.inputs);
    assert.equal(inputs.filter((i) => !i.startsWith('(disabled):') && (/node_modules\/(ws|ajv)\//.test(i) || i.startsWith('node:'))).length, 0, `no ws, ajv or node: modules in the bundle: ${inputs.join(', ')}`);
    assert.equal(inputs.filter((i) => i.includes('@cadenza/client/validation')).length, 0);
    process.stderr.write(`# browser bundle (minified, with centrifuge): ${js.length} bytes\n`);

    page = createServer((req, res) => {
      if (req.url?.startsWith('/app.js')) res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>sdk</title><script type="module" src="/app.js"></script>');
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    const { port } = page.address() as { port: number };

    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      await tab.goto(`http://127.0.0.1:${port}/?server=${encodeURIComponent(server.url)}`);
      await tab.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
      const result = (await tab.evaluate(() => (globalThis as { __result?: unknown }).__result)) as Record<string, any>;
      assert.equal(result.failure, undefined, result.failure);
      assert.deepEqual(errors, []);
      assert.equal(result.webSocket, true, "the browser's own WebSocket");
      assert.ok(result.instruments.includes('PAPER:BTC/USDT'));
      assert.ok(Number(result.book.bid) < Number(result.book.ask), JSON.stringify(result.book));
      assert.equal(result.book.synced, true);
      assert.deepEqual(result.order, { status: 'FILLED', executedQuantity: '0.01' });
      assert.equal(result.refused, 'TRADING_ACCOUNT_NOT_FOUND');
    } finally {
      await browser.close();
    }
  });
});
