/**
 * @module commands/auth
 * `login`, `logout`, `whoami`.
 */
import { createInterface } from 'node:readline';
import { signInWithPassword, signUp, sessionExpiresAt, type AuthSession } from '../../auth.ts';
import { UsageError, type CliContext } from '../context.ts';
import { str, type Command, type OptionSpec } from '../command.ts';
import { renderRecord } from '../table.ts';

async function readPassword(ctx: CliContext): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    // Piped: the first line of stdin is the password (`echo "$PW" | cadenza login --email …`).
    const rl = createInterface({ input: stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  // Echo goes off before the prompt shows: whatever is typed once it is visible is never echoed.
  stdin.setRawMode(true);
  stdin.resume();
  ctx.streams.stderr.write('Password: ');
  return new Promise<string>((resolve, reject) => {
    let pw = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolve(pw);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new UsageError('cancelled'));
          return;
        }
        if (ch === '\u007f') pw = pw.slice(0, -1);
        else pw += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      ctx.streams.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

async function ask(ctx: CliContext, question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
  }
}

async function credentials(ctx: CliContext, args: Parameters<Command['run']>[1]): Promise<{ email: string; password: string }> {
  const email = str(args, 'email') ?? ctx.env.CADENZA_EMAIL ?? (process.stdin.isTTY ? await ask(ctx, 'Email: ') : undefined);
  if (!email) throw new UsageError('an email is needed: --email EMAIL or CADENZA_EMAIL');
  const password = str(args, 'password') ?? ctx.env.CADENZA_PASSWORD ?? (await readPassword(ctx));
  if (!password) throw new UsageError('a password is needed: --password, CADENZA_PASSWORD, or type it when asked');
  return { email, password };
}

/** Stores a new session (keeping the default account when it is the same user on the same server). */
function keep(ctx: CliContext, session: AuthSession): void {
  const previous = ctx.store.load();
  const sameUser = previous?.url === ctx.url && previous.session.user.id === session.user.id;
  ctx.store.save({ url: ctx.url, session, ...(sameUser && previous.defaultAccountId ? { defaultAccountId: previous.defaultAccountId } : {}) });
  ctx.out.result({ url: ctx.url, userId: session.user.id, email: session.user.email, expiresAt: sessionExpiresAt(session, Date.now()), sessionFile: ctx.store.path }, () => `Logged in to ${ctx.url} as ${session.user.email ?? session.user.id}. Session saved in ${ctx.store.path}`);
}

const credentialOptions: OptionSpec = {
  email: { type: 'string', short: 'e', value: 'EMAIL', description: 'your e-mail (or CADENZA_EMAIL; asked when missing)' },
  password: { type: 'string', short: 'p', value: 'PASSWORD', description: 'your password (or CADENZA_PASSWORD; asked without echo, or read from piped stdin)' },
};

/**
 * After a login at a terminal: a user without a PAPER account is offered one (funded with test money) and it
 * becomes the default account, so `cadenza order submit …` works next. Elsewhere the hint is printed instead.
 */
async function offerPaperAccount(ctx: CliContext): Promise<void> {
  if (ctx.out.json) return;
  const client = await ctx.connect();
  if (!(await client.rpc('query.venue.list')).includes('PAPER')) return;
  const paper = await client.rpc('query.trading_account.list', { venue: 'PAPER', status: 'ACTIVE' });
  if (paper.length > 0) return;
  if (!process.stdin.isTTY) {
    ctx.out.progress('You have no PAPER trading account yet: `cadenza accounts create --venue PAPER --use` makes one.');
    return;
  }
  const answer = (await ask(ctx, 'You have no PAPER trading account yet. Create one, funded with test money? [Y/n] ')).trim().toLowerCase();
  if (answer !== '' && answer !== 'y' && answer !== 'yes') return;
  const account = await client.rpc('command.trading_account.create', { tradingAccount: { venue: 'PAPER', nickname: 'paper' } });
  ctx.store.save({ ...ctx.stored(), defaultAccountId: account.tradingAccountId });
  ctx.out.raw(`Created PAPER account ${account.tradingAccountId}; it is your default account.\n`);
}

export const login: Command = {
  name: 'login',
  summary: 'Sign in with email and password; the session is kept in your config dir',
  usage: '',
  options: credentialOptions,
  details: [
    'The server is --url, else CADENZA_URL, else http://localhost:8000; the session file is',
    '$CADENZA_CONFIG_DIR/session.json (default ~/.config/cadenza). At a terminal, a user without a PAPER',
    'account is offered one.',
    'example: cadenza login --email demo@cadenza.dev',
  ],
  async run(ctx, args) {
    const { email, password } = await credentials(ctx, args);
    ctx.out.progress(`Signing in to ${ctx.url} as ${email} …`);
    keep(ctx, await signInWithPassword({ url: ctx.url, email, password }));
    // The login stands whatever happens here: the offer is a convenience.
    await offerPaperAccount(ctx).catch((err: unknown) => ctx.out.progress(`(could not look at your trading accounts: ${err instanceof Error ? err.message : String(err)})`));
  },
};

export const signup: Command = {
  name: 'signup',
  summary: 'Create a user on the server and log in',
  usage: '',
  options: credentialOptions,
  async run(ctx, args) {
    const { email, password } = await credentials(ctx, args);
    ctx.out.progress(`Signing up at ${ctx.url} as ${email} …`);
    const session = await signUp({ url: ctx.url, email, password });
    if (session) keep(ctx, session);
    else ctx.out.result({ url: ctx.url, email, confirmationPending: true }, () => `Signed up as ${email}; confirm the e-mail, then run \`cadenza login\`.`);
  },
};

export const logout: Command = {
  name: 'logout',
  summary: 'Forget the stored session',
  usage: '',
  async run(ctx) {
    const had = ctx.store.clear();
    ctx.out.result({ loggedOut: had }, () => (had ? 'Logged out.' : 'Was not logged in.'));
  },
};

export const whoami: Command = {
  name: 'whoami',
  summary: 'Show the signed-in user (refreshing the session if it expired)',
  usage: '',
  async run(ctx) {
    const manager = ctx.sessionManager();
    await manager.getAccessToken();
    const s = ctx.stored();
    const user = manager.user;
    const expiresAt = sessionExpiresAt(manager.session, Date.now());
    const data = {
      url: s.url,
      userId: user.id,
      email: user.email,
      role: (user.app_metadata as { role?: string } | undefined)?.role ?? user.role,
      tokenExpiresAt: new Date(expiresAt * 1000).toISOString(),
      defaultAccountId: s.defaultAccountId,
    };
    ctx.out.result(data, () =>
      renderRecord([
        ['server', data.url],
        ['user', data.userId],
        ['email', data.email],
        ['role', data.role],
        ['token expires', data.tokenExpiresAt],
        ['default account', data.defaultAccountId],
      ]),
    );
  },
};
