import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTable, renderRecord } from '../src/cli/table.ts';
import { ladderDepthFor, renderLadder } from '../src/cli/ladder.ts';
import { parseGlobals, findCommand, runCli, commands, subcommandsOf } from '../src/cli/run.ts';
import { SessionStore, configDir } from '../src/cli/session-store.ts';
import { instrumentArg, symbolArg } from '../src/cli/instrument-args.ts';

describe('tables', () => {
  test('pads columns, right-aligns numeric columns and shows empty cells as -', () => {
    const out = renderTable(
      [
        { id: 'PAPER:BTC/USDT', lot: '0.0001', status: 'ACTIVE' },
        { id: 'PAPER:ETH/USDT', lot: '0.001', status: undefined },
      ],
      [
        { header: 'INSTRUMENT', value: (r) => r.id },
        { header: 'LOT', value: (r) => r.lot },
        { header: 'STATUS', value: (r) => r.status },
      ],
    );
    assert.equal(out, ['INSTRUMENT         LOT  STATUS', 'PAPER:BTC/USDT  0.0001  ACTIVE', 'PAPER:ETH/USDT   0.001  -'].join('\n'));
    assert.equal(renderTable([], [{ header: 'X', value: () => 1 }]), '(none)');
    assert.equal(renderRecord([['user', 'u1'], ['email', undefined], ['fees', []]]), 'user   u1\nemail  -\nfees   -');
  });
});

describe('ladder', () => {
  test('asks above with the best ask nearest the spread line, bids below, bars by size', () => {
    const lines = renderLadder(
      {
        instrumentId: 'PAPER:BTC/USDT',
        bids: [{ price: '100', quantity: '2' }, { price: '99', quantity: '1' }],
        asks: [{ price: '101', quantity: '1' }, { price: '102', quantity: '4' }],
        spread: '1',
        mid: '100.5',
        timestamp: 0,
        synced: true,
        gaps: 0,
        resyncs: 0,
      },
      { depth: 2, barWidth: 4 },
    );
    assert.match(lines[0]!, /^PAPER:BTC\/USDT .* in sync$/);
    assert.deepEqual(lines.slice(2), ['ASK    102     4  ▒▒▒▒', 'ASK    101     1  ▒', '---  -----  spread 1  mid 100.5', 'BID    100     2  ██', 'BID     99     1  █']);
  });

  test('sides are marked in words, not only by colour; the frame fits the terminal height and width', () => {
    const levels = (from: number, step: number) => Array.from({ length: 20 }, (_, i) => ({ price: String(from + i * step), quantity: '1' }));
    const input = { instrumentId: 'PAPER:BTC/USDT', bids: levels(100, -1), asks: levels(101, 1), spread: '1', mid: '100.5', timestamp: 0, synced: true, gaps: 0, resyncs: 0 };
    for (const rows of [8, 24, 60]) {
      const depth = ladderDepthFor(undefined, rows);
      const lines = renderLadder(input, { depth, color: true, width: 40 });
      assert.ok(lines.length <= rows - 1, `${lines.length} lines in a ${rows}-row terminal`);
      assert.equal(lines.filter((l) => l.includes('ASK')).length, depth);
      assert.equal(lines.filter((l) => l.includes('BID')).length, depth);
    }
    assert.equal(ladderDepthFor(undefined, 60), 20, 'at most 20 levels a side');
    assert.equal(ladderDepthFor(5, 60), 5);
    assert.equal(ladderDepthFor(50, 24), 10, 'an asked depth is capped by the terminal');
    assert.equal(ladderDepthFor(undefined, undefined), 10, 'not a terminal: 10');
    const narrow = renderLadder(input, { depth: 3, width: 30 });
    assert.ok(narrow.every((l) => l.length <= 30), narrow.join('\n'));
  });

  test('says when the book is resyncing and how many gaps it saw', () => {
    const [head] = renderLadder({ instrumentId: 'X:A/B', bids: [], asks: [], spread: undefined, mid: undefined, timestamp: 0, synced: false, gaps: 2, resyncs: 1 }, { depth: 5 });
    assert.match(head!, /resyncing  gaps 2, resyncs 1/);
  });
});

describe('argument parsing', () => {
  test('global flags are taken from anywhere; the rest names the command', () => {
    const g = parseGlobals(['order', '--json', 'submit', '--url', 'http://h:1', 'BUY', '-q']);
    assert.deepEqual(g, { json: true, quiet: true, help: false, version: false, url: 'http://h:1', rest: ['order', 'submit', 'BUY'] });
    assert.equal(findCommand(g.rest)?.command.name, 'order submit');
    assert.deepEqual(findCommand(g.rest)?.args, ['BUY']);
    assert.equal(findCommand(['book', 'PAPER', 'BTC/USDT'])?.command.name, 'book');
    assert.equal(findCommand(['accounts'])?.command.name, 'accounts');
    assert.equal(findCommand(['nope']), undefined);
  });

  test('a bad --url is a usage error', () => {
    assert.throws(() => parseGlobals(['--url', 'localhost:8000', 'venues']), /must be an http\(s\) URL/);
    assert.throws(() => parseGlobals(['venues', '--url']), /needs a value/);
  });
});

describe('instrument ids and symbols', () => {
  test('spot pairs and derivative names, in any case; mixed case is kept as the venue spells it', () => {
    assert.deepEqual(instrumentArg('paper:btc/usdt'), { instrumentId: 'PAPER:BTC/USDT', venue: 'PAPER', symbol: 'BTC/USDT' });
    assert.equal(instrumentArg('PAPER:BTC-PERP').instrumentId, 'PAPER:BTC-PERP');
    assert.equal(instrumentArg('paper:eth-perp').instrumentId, 'PAPER:ETH-PERP');
    assert.equal(instrumentArg('deribit:btc-27jun25-60000-c').instrumentId, 'DERIBIT:BTC-27JUN25-60000-C');
    assert.equal(instrumentArg('Deribit:BTC-PERPETUAL').instrumentId, 'DERIBIT:BTC-PERPETUAL');
    assert.equal(instrumentArg('HYPERLIQUID:kPEPE').instrumentId, 'HYPERLIQUID:kPEPE');
    assert.equal(symbolArg('btc-perp'), 'BTC-PERP');
    assert.equal(symbolArg('eth/usdt'), 'ETH/USDT');
  });

  test('anything else is a usage error that shows both forms', () => {
    for (const bad of [undefined, '', 'BTC/USDT', 'PAPER:', ':BTC-PERP', 'NASDAQ:BTC-PERP', 'PAPER:BTC--PERP', 'PAPER:BTC-', 'PAPER:BTC/USDT/X', 'PAPER:BTC PERP']) {
      assert.throws(() => instrumentArg(bad), /expected an instrument id like PAPER:BTC\/USDT or PAPER:BTC-PERP/, String(bad));
    }
    for (const bad of ['', 'BTC//USDT', '-PERP', 'BTC_PERP', 'x'.repeat(65)]) assert.throws(() => symbolArg(bad), /expected a symbol like BTC\/USDT or BTC-PERP/, bad);
  });
});

describe('runCli without a server', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, streams: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-cli-'));
  const env = { CADENZA_CONFIG_DIR: dir };

  test('`cadenza order` and `cadenza order --help` list every order subcommand with its flags', async () => {
    for (const argv of [['order'], ['order', '--help']]) {
      const c = capture();
      const code = await runCli(argv, { env, streams: c.streams });
      assert.equal(code, argv.length === 1 ? 2 : 0);
      const out = c.out.join('');
      for (const sub of ['order submit BUY|SELL QUANTITY INSTRUMENT', 'order cancel ORDER_ID', 'order list', 'order get ORDER_ID']) assert.ok(out.includes(`cadenza ${sub}`), `${argv.join(' ')} lists ${sub}:\n${out}`);
      for (const f of ['--price PRICE', '--stop PRICE', '--tif TIF', '-a, --account ID', '--wait', '--status STATUS']) assert.ok(out.includes(f), `shows ${f}`);
    }
  });

  test('every command has a real --help: usage, summary and each of its options described', async () => {
    for (const command of commands) {
      const c = capture();
      assert.equal(await runCli([...command.name.split(' '), '--help'], { env, streams: c.streams }), 0, command.name);
      const out = c.out.join('');
      if (subcommandsOf(command.name).length) {
        assert.match(out, new RegExp(`cadenza ${command.name} — `), `${command.name} --help shows the group`);
      } else {
        assert.ok(out.startsWith(`usage: cadenza ${command.name}`), out);
      }
      assert.ok(out.includes(command.summary));
      for (const [name, o] of Object.entries(command.options ?? {})) {
        assert.ok(out.includes(`--${name}`) && out.includes(o.description), `${command.name} --help describes --${name}`);
      }
    }
  });

  test('usage errors exit 2 with the command usage', async () => {
    const c = capture();
    assert.equal(await runCli(['order', 'submit', 'HOLD', '1', 'PAPER:BTC/USDT'], { env, streams: c.streams }), 2);
    assert.match(c.err.join(''), /unknown side "HOLD"/);
    assert.match(c.err.join(''), /usage: cadenza order submit BUY\|SELL QUANTITY INSTRUMENT/);
    const d = capture();
    assert.equal(await runCli(['book', 'PAPER', 'BTC/USDT', '--depth', 'x'], { env, streams: d.streams }), 2);
    assert.match(d.err.join(''), /--depth expects a positive integer/);
    for (const leverage of ['0', '2.5', 'x']) {
      const e = capture();
      assert.equal(await runCli(['order', 'submit', 'BUY', '1', 'PAPER:BTC-PERP', '--leverage', leverage], { env, streams: e.streams }), 2);
      assert.match(e.err.join(''), /--leverage expects a positive integer/);
    }
    const f = capture();
    assert.equal(await runCli(['order', 'submit', 'BUY', '1', 'PAPER-BTC-PERP'], { env, streams: f.streams }), 2);
    assert.match(f.err.join(''), /expected an instrument id like PAPER:BTC\/USDT or PAPER:BTC-PERP, got "PAPER-BTC-PERP"/);
  });

  test('commands that need a session exit 3 and, with --json, print the error as JSON on stdout', async () => {
    const c = capture();
    assert.equal(await runCli(['portfolio', '--json'], { env, streams: c.streams }), 3);
    assert.deepEqual(JSON.parse(c.out.join('')), { error: { type: 'auth', message: 'not logged in: run `cadenza login` first' } });
  });

  test('an unreachable server is a clear error with a hint', async () => {
    const c = capture();
    assert.equal(await runCli(['login', '--email', 'a@b.c', '--password', 'x', '--url', 'http://127.0.0.1:9'], { env, streams: c.streams }), 1);
    assert.match(c.err.join(''), /cannot reach http:\/\/127\.0\.0\.1:9/);
    assert.match(c.err.join(''), /is the server running\?/);
  });

  test('help lists every command', async () => {
    const c = capture();
    assert.equal(await runCli(['--help'], { env, streams: c.streams }), 0);
    for (const name of ['login', 'whoami', 'venues', 'instruments', 'book', 'trades', 'order submit', 'order cancel', 'order list', 'order get', 'portfolio', 'accounts', 'subscriptions']) {
      assert.match(c.out.join(''), new RegExp(`\\n  ${name} `));
    }
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('session store', () => {
  test('config dir: CADENZA_CONFIG_DIR, then XDG_CONFIG_HOME/cadenza, then ~/.config/cadenza', () => {
    assert.equal(configDir({ CADENZA_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' }), '/a');
    assert.equal(configDir({ XDG_CONFIG_HOME: '/b' }), join('/b', 'cadenza'));
    assert.match(configDir({}), /\.config[/\\]cadenza$/);
  });

  test('saves privately and atomically, updates the session in place, and clears', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cadenza-store-')), 'nested');
    const store = new SessionStore(dir);
    assert.equal(store.load(), undefined);
    const session = { access_token: 'a1', refresh_token: 'r1', token_type: 'bearer', expires_in: 3600, user: { id: 'u' } };
    store.save({ url: 'http://h', session, defaultAccountId: 'acc' });
    assert.equal(statSync(store.path).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    store.updateSession({ ...session, access_token: 'a2', refresh_token: 'r2' });
    assert.deepEqual(store.load(), { url: 'http://h', session: { ...session, access_token: 'a2', refresh_token: 'r2' }, defaultAccountId: 'acc' });
    assert.deepEqual(readdirSync(dir), ['session.json'], 'no temp files left behind');
    assert.equal(store.clear(), true);
    assert.equal(store.load(), undefined);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('live ladder', () => {
  test('on a terminal each frame overwrites the previous one, with the cursor hidden and restored', async () => {
    const { liveLadder } = await import('../src/cli/commands/market.ts');
    const { CliContext } = await import('../src/cli/context.ts');
    const written: string[] = [];
    const ctx = new CliContext({
      json: false,
      quiet: true,
      env: {},
      streams: { stdout: { write: (s: string) => written.push(s), isTTY: true }, stderr: { write: () => true } },
      store: new SessionStore(mkdtempSync(join(tmpdir(), 'cadenza-ladder-'))),
    });
    let frame = 0;
    let redraw: () => void = () => undefined;
    let finish: () => void = () => undefined;
    const done = liveLadder(ctx, () => [`frame ${++frame}`, 'line two'], (r) => ((redraw = r), () => (redraw = () => undefined)), new Promise<void>((r) => (finish = r)));
    redraw();
    finish();
    await done;
    assert.deepEqual(written, [
      '\x1b[?25l',
      '\x1b[2Kframe 1\n\x1b[2Kline two\n\x1b[J',
      '\x1b[2F\x1b[2Kframe 2\n\x1b[2Kline two\n\x1b[J',
      '\x1b[?25h',
    ]);
  });
});
