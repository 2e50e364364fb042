/**
 * The README's `cadenza` lines, in order, exactly as written (`npm run cadenza -- …`), typed at a pseudo-terminal
 * against a fresh server — a person's first session: the password asked without echo, the offered PAPER account
 * accepted, the instrument table, the live ladder (sized to the terminal, quit with Ctrl-C), a limit order, the
 * portfolio as JSON. The server comes from CADENZA_URL; the session lands in the default ~/.config/cadenza of a
 * throwaway HOME.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '@cadenza/server';
import { PtySession } from '../pty-session.ts';

const root = resolve(import.meta.dirname, '../../../..');
const ROWS = 16;
let server: RunningServer;
let dataDir: string;
let home: string;

/** The `npm run cadenza -- …` lines of the README's CLI block, comments dropped. */
function readmeLines(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### The `cadenza` CLI'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('npm run cadenza -- '));
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cadenza-cli-readme-'));
  home = mkdtempSync(join(tmpdir(), 'cadenza-cli-home-'));
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, log: false, venues: ['PAPER', 'MOCK'] });
});

after(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

test("the README's CLI lines work in order at a terminal on a fresh server", { timeout: 240_000 }, async () => {
  const lines = readmeLines();
  assert.deepEqual(
    lines.map((l) => l.split(' ')[4]),
    ['login', 'instruments', 'book', 'order', 'portfolio'],
    `the README's CLI block: ${lines.join(' | ')}`,
  );
  // A person's environment: no npm_* variables of an outer npm, a fresh HOME, the server named by CADENZA_URL.
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_|^CADENZA_/i.test(k))),
    HOME: home,
    XDG_CONFIG_HOME: '',
    CADENZA_URL: server.url,
    TERM: 'xterm-256color',
  };
  const run = (line: string) => new PtySession(line, { cwd: root, env, rows: ROWS, cols: 100 });

  // 1. login: the password is asked (not echoed), then the PAPER account is offered and accepted.
  const login = run(lines[0]!);
  await login.waitFor(/Password: $/);
  login.type('cadenza-demo\r');
  await login.waitFor(/no PAPER trading account yet\. Create one, funded with test money\? \[Y\/n\] $/);
  login.type('y\r');
  await login.waitFor(/Created PAPER account [0-9a-f-]{36}; it is your default account\./);
  assert.equal(await login.exit(), 0, login.plain);
  assert.match(login.plain, /Logged in to http:\/\/127\.0\.0\.1:\d+ as demo@cadenza\.dev/);
  assert.doesNotMatch(login.plain, /cadenza-demo/, 'the password is not echoed');
  const sessionFile = join(home, '.config/cadenza/session.json');
  assert.equal(statSync(sessionFile).mode & 0o777, 0o600, 'the session file is private');
  const defaultAccount = JSON.parse(readFileSync(sessionFile, 'utf8')).defaultAccountId as string;

  // 2. instruments: a table of the venue's instruments.
  const instruments = run(lines[1]!);
  assert.equal(await instruments.exit(), 0, instruments.plain);
  assert.match(instruments.plain, /^INSTRUMENT\s+TYPE\s+STATUS\s+LOT\s+TICK/m);
  assert.match(instruments.plain, /^PAPER:BTC\/USDT\s+SPOT\s+ACTIVE/m);

  // 3. book: a live ladder redrawn in place, sized to the terminal, sides in words; Ctrl-C quits cleanly.
  const book = run(lines[2]!);
  await book.waitFor(/(PAPER:BTC\/USDT  \d{4}-[\s\S]*){3}/);
  book.type('\x03');
  // npm run answers Ctrl-C with the shell's 130 whatever its child did; the ladder itself quits cleanly.
  assert.ok([0, 130].includes(await book.exit()), book.plain);
  assert.match(book.output, /\x1b\[\?25h/, 'the cursor is shown again');
  assert.doesNotMatch(book.plain, /error/i);
  const frames = book.plain.split(/(?=^PAPER:BTC\/USDT  \d{4}-)/m).filter((f) => f.startsWith('PAPER:BTC/USDT'));
  const frame = frames[frames.length - 2]!.trimEnd().split('\n');
  const depth = Math.floor((ROWS - 4) / 2);
  assert.ok(frame.length <= ROWS - 1, `a frame of ${frame.length} lines fits ${ROWS} rows:\n${frame.join('\n')}`);
  assert.equal(frame.filter((l) => /^ASK\s+\d/.test(l)).length, depth, frame.join('\n'));
  assert.equal(frame.filter((l) => /^BID\s+\d/.test(l)).length, depth);
  assert.match(frame.join('\n'), /spread \d+(\.\d+)?  mid \d+(\.\d+)?/);
  assert.match(book.output, /\x1b\[\d+F/, 'redrawn in place (cursor up), not scrolled');

  // 4. order submit: a limit buy below the market rests on the default account.
  const order = run(lines[3]!);
  assert.equal(await order.exit(), 0, order.plain);
  assert.match(order.plain, /^account\s+([0-9a-f-]{36})$/m);
  assert.equal(/^account\s+([0-9a-f-]{36})$/m.exec(order.plain)![1], defaultAccount);
  assert.match(order.plain, /^type\s+LIMIT$/m);
  assert.match(order.plain, /^limit price\s+50000$/m);
  assert.match(order.plain, /^status\s+(NEW|ACCEPTED|SUBMITTED)$/m);

  // 5. portfolio --json: the account's balances, 500 USDT locked by the resting order.
  const portfolio = run(lines[4]!);
  assert.equal(await portfolio.exit(), 0, portfolio.plain);
  const text = portfolio.plain;
  const json = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
  assert.equal(json.tradingAccountId, defaultAccount);
  const usdt = json.balances.find((b: { securitySymbol: string }) => b.securitySymbol === 'USDT');
  assert.ok(Number(usdt.locked) >= 500, `USDT locked for the order: ${JSON.stringify(usdt)}`);
});
