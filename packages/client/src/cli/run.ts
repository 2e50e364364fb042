/**
 * @module run
 * The `cadenza` command line: global flags, command lookup, help, and the single place where errors become
 * messages and exit codes.
 *
 * Exit codes: 0 ok · 1 failure (network, server) · 2 usage · 3 not logged in / auth refused · 4 the server
 * refused the request (an RPC error, printed with its AABBB code).
 */
import { parseArgs } from 'node:util';
import { AuthError, CadenzaError, CadenzaRpcError, ProtocolError } from '../errors.ts';
import { CliContext, CliError, NotLoggedInError, UsageError, type Streams } from './context.ts';
import { SessionStore, configDir } from './session-store.ts';
import { optionLabel, parseArgsOptions, type Command, type ParsedArgs } from './command.ts';
import { login, logout, signup, whoami } from './commands/auth.ts';
import { book, instruments, trades, venues } from './commands/market.ts';
import { accounts, accountsCreate, accountsUse, portfolio, subscriptions, subscriptionsCreate, watch } from './commands/accounts.ts';
import { orderCancel, orderGet, orderList, orderSubmit } from './commands/orders.ts';

/** The CLI and SDK version (`cadenza --version`). */
export const VERSION = '0.1.0';

/** Every command, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  login,
  signup,
  logout,
  whoami,
  venues,
  instruments,
  book,
  trades,
  orderSubmit,
  orderCancel,
  orderList,
  orderGet,
  portfolio,
  watch,
  accounts,
  accountsCreate,
  accountsUse,
  subscriptions,
  subscriptionsCreate,
];

/** Flags every command accepts, and the remaining arguments. */
export interface GlobalFlags {
  url?: string;
  json: boolean;
  quiet: boolean;
  help: boolean;
  version: boolean;
  rest: string[];
}

/** Pulls the global flags out of argv wherever they appear; the rest belongs to the command. */
export function parseGlobals(argv: readonly string[]): GlobalFlags {
  const g: GlobalFlags = { json: false, quiet: false, help: false, version: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      g.rest.push(...argv.slice(i));
      break;
    }
    if (a === '--json') g.json = true;
    else if (a === '--quiet' || a === '-q') g.quiet = true;
    else if (a === '--help' || a === '-h') g.help = true;
    else if (a === '--version' || a === '-V') g.version = true;
    else if (a === '--url') {
      const v = argv[++i];
      if (!v || v.startsWith('-')) throw new UsageError('--url needs a value, e.g. --url http://localhost:8000');
      g.url = v;
    } else if (a.startsWith('--url=')) g.url = a.slice('--url='.length);
    else g.rest.push(a);
  }
  if (g.url !== undefined && !/^https?:\/\/[^/]+/.test(g.url)) throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(g.url)}`);
  return g;
}

/** Finds the command named by the leading words of `rest` (two-word names first). */
export function findCommand(rest: readonly string[]): { command: Command; args: string[] } | undefined {
  const two = rest.slice(0, 2).join(' ');
  const byTwo = commands.find((c) => c.name === two);
  if (byTwo) return { command: byTwo, args: rest.slice(2) };
  const byOne = commands.find((c) => c.name === rest[0]);
  return byOne ? { command: byOne, args: rest.slice(1) } : undefined;
}

/** One command's usage line. */
export function usageOf(c: Command): string {
  return `usage: cadenza ${c.name}${c.usage ? ` ${c.usage}` : ''}${c.options && Object.keys(c.options).length ? ' [OPTIONS]' : ''}`;
}

/** The option lines of a command, aligned. */
function optionLines(c: Command, indent: string): string[] {
  const entries = Object.entries(c.options ?? {});
  const labels = entries.map(([name, o]) => optionLabel(name, o));
  const width = Math.max(0, ...labels.map((l) => l.length));
  return entries.map(([, o], i) => `${indent}${labels[i]!.padEnd(width)}  ${o.description}`);
}

/** `cadenza COMMAND --help`: usage, what it does, its options, details, the global flags. */
export function commandHelp(c: Command): string {
  const options = optionLines(c, '  ');
  return [
    usageOf(c),
    '',
    c.summary,
    ...(options.length ? ['', 'options:', ...options] : []),
    ...(c.details?.length ? ['', ...c.details] : []),
    '',
    'global flags: --json (machine-readable output), --url URL (server), --quiet, --help',
  ].join('\n');
}

/** What a group of subcommands without a command of its own is about. */
const groupSummaries: Record<string, string> = { order: 'submit, cancel, list and show orders' };

/** The commands named `GROUP …` (`order submit`, `order cancel`… for `order`). */
export function subcommandsOf(group: string): Command[] {
  return commands.filter((c) => c.name.startsWith(`${group} `));
}

/** `cadenza order` / `cadenza order --help`: every subcommand with its usage and options. */
export function groupHelp(group: string): string {
  const own = commands.find((c) => c.name === group);
  const summary = own?.summary ?? groupSummaries[group];
  const lines = [`cadenza ${group}${summary ? ` — ${summary}` : ''}`, '', 'commands:'];
  for (const c of [...(own ? [own] : []), ...subcommandsOf(group)]) {
    lines.push('', `  cadenza ${c.name}${c.usage ? ` ${c.usage}` : ''}`, `      ${c.summary}`, ...optionLines(c, '      '));
  }
  lines.push('', `run \`cadenza ${group} SUBCOMMAND --help\` for more on one of them.`);
  return lines.join('\n');
}

/** `cadenza --help`. */
export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `cadenza ${VERSION} — the Cadenza trading API from your terminal`,
    '',
    'usage: cadenza COMMAND [ARGS] [--json] [--url URL] [--quiet]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'global flags:',
    '  --json         machine-readable output on stdout (errors as {"error":…})',
    '  --url URL      server (default: CADENZA_URL, the logged-in server, or http://localhost:8000)',
    '  --quiet, -q    no progress messages on stderr',
    '',
    `session file: ${new SessionStore(configDir()).path} (override the dir with CADENZA_CONFIG_DIR)`,
    'run `cadenza COMMAND --help` for the arguments of one command.',
  ].join('\n');
}

/** Environment and output streams of one run (the process ones by default). */
export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  streams?: Streams;
}

/** Runs one CLI invocation and returns its exit code (never throws). */
export async function runCli(argv: readonly string[], opts: RunOptions = {}): Promise<number> {
  const env = opts.env ?? process.env;
  const streams = opts.streams ?? { stdout: process.stdout, stderr: process.stderr };
  let json = argv.includes('--json');
  let ctx: CliContext | undefined;
  let command: Command | undefined;
  try {
    const g = parseGlobals(argv);
    json = g.json;
    if (g.version) {
      streams.stdout.write(`${VERSION}\n`);
      return 0;
    }
    // `cadenza order`, `cadenza order --help`, `cadenza accounts --help`: the group with its subcommands.
    const group = g.rest.length === 1 && subcommandsOf(g.rest[0]!).length ? g.rest[0]! : undefined;
    if (group && (g.help || !commands.some((c) => c.name === group))) {
      streams.stdout.write(`${groupHelp(group)}\n`);
      return g.help ? 0 : 2;
    }
    const found = findCommand(g.rest);
    if (!found) {
      if (g.rest.length === 0 || g.help) {
        streams.stdout.write(`${helpText()}\n`);
        return g.rest.length === 0 && !g.help ? 2 : 0;
      }
      throw new UsageError(`unknown command ${JSON.stringify(g.rest.join(' '))}; run \`cadenza --help\``);
    }
    command = found.command;
    if (g.help) {
      streams.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    let parsed: ParsedArgs;
    try {
      parsed = parseArgs({ args: found.args, options: parseArgsOptions(command.options), allowPositionals: true, strict: true }) as ParsedArgs;
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
    }
    ctx = new CliContext({ ...(g.url ? { url: g.url } : {}), json: g.json, quiet: g.quiet, env, streams, store: new SessionStore(configDir(env)) });
    await command.run(ctx, parsed);
    return 0;
  } catch (err) {
    return report(err, streams, json, command);
  } finally {
    ctx?.close();
  }
}

function report(err: unknown, streams: Streams, json: boolean, command: Command | undefined): number {
  const { code, kind, detail, hint } = classify(err);
  const message = err instanceof Error ? err.message : String(err);
  if (json) streams.stdout.write(`${JSON.stringify({ error: { type: kind, message, ...detail } })}\n`);
  streams.stderr.write(`error: ${message}\n`);
  if (hint) streams.stderr.write(`${hint}\n`);
  if (err instanceof UsageError && command) streams.stderr.write(`${usageOf(command)}\n`);
  return code;
}

function classify(err: unknown): { code: number; kind: string; detail: Record<string, unknown>; hint?: string } {
  if (err instanceof UsageError) return { code: 2, kind: 'usage', detail: {} };
  if (err instanceof CliError) return { code: err.exitCode, kind: 'error', detail: {} };
  if (err instanceof NotLoggedInError) return { code: 3, kind: 'auth', detail: {} };
  if (err instanceof AuthError) {
    const relogin = err.code?.startsWith('refresh_token') || err.code === 'session_not_found' || err.code === 'session_expired';
    return {
      code: err.status === 0 ? 1 : 3,
      kind: 'auth',
      detail: { status: err.status, ...(err.code ? { code: err.code } : {}) },
      ...(relogin ? { hint: 'the stored session no longer works: run `cadenza login` again' } : err.status === 0 ? { hint: 'is the server running? (set --url or CADENZA_URL)' } : {}),
    };
  }
  if (err instanceof CadenzaRpcError) return { code: 4, kind: 'rpc', detail: { code: err.code, ...(err.errorName ? { name: err.errorName } : {}), temporary: err.temporary } };
  if (err instanceof ProtocolError) {
    const auth = err.code === 101 || err.code === 109 || err.code === 3500 || (err.code === 1 && /unauthorized/i.test(err.message));
    return {
      code: auth ? 3 : err.code === 103 ? 4 : 1,
      kind: 'protocol',
      detail: { code: err.code, temporary: err.temporary },
      ...(auth ? { hint: 'run `cadenza login` again' } : err.code === 1 || err.code === 2 ? { hint: 'is the server running? (set --url or CADENZA_URL)' } : {}),
    };
  }
  if (err instanceof CadenzaError) return { code: 1, kind: 'error', detail: {} };
  return { code: 1, kind: 'internal', detail: {} };
}
