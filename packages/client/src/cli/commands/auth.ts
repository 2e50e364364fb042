/**
 * @module commands/auth
 * `login`, `logout`, `whoami`.
 */
import { createInterface } from 'node:readline';
import { signInWithPassword, signUp, sessionExpiresAt, type AuthSession } from '../../auth.ts';
import { UsageError, type CliContext } from '../context.ts';
import { str, type Command } from '../command.ts';
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
  ctx.streams.stderr.write('Password: ');
  stdin.setRawMode(true);
  stdin.resume();
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

const credentialOptions = { email: { type: 'string', short: 'e' }, password: { type: 'string', short: 'p' } } as const;

export const login: Command = {
  name: 'login',
  summary: 'Sign in with email and password; the session is kept in your config dir',
  usage: '[--email EMAIL] [--password PASSWORD]   (or CADENZA_EMAIL / CADENZA_PASSWORD; prompts otherwise)',
  options: credentialOptions,
  async run(ctx, args) {
    const { email, password } = await credentials(ctx, args);
    ctx.out.progress(`Signing in to ${ctx.url} as ${email} …`);
    keep(ctx, await signInWithPassword({ url: ctx.url, email, password }));
  },
};

export const signup: Command = {
  name: 'signup',
  summary: 'Create an account on the server and log in',
  usage: '[--email EMAIL] [--password PASSWORD]',
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
