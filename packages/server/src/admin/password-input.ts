/**
 * @module admin/password-input
 * Where the admin CLI takes a password from: never the command line (argv is visible to every user of the machine
 * in `ps` and lands in shell history). On a terminal it is asked for twice, without echo; otherwise the first line
 * of standard input is read (`printf '%s\n' "$PW" | npm run admin -- set-password alice@example.com`).
 */
import type { ReadStream } from 'node:tty';

/** Reads a password: prompted on a terminal, the first stdin line otherwise. */
export async function readPassword(prompt: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!stdin.isTTY) return firstLine(stdin);
  const first = await promptHidden(prompt, stdin as ReadStream, stderr);
  const again = await promptHidden('Repeat it: ', stdin as ReadStream, stderr);
  if (first !== again) throw new PasswordInputError('the two passwords differ');
  return first;
}

/** A password could not be read (mismatch, end of input, Ctrl-C). */
export class PasswordInputError extends Error {
  override readonly name = 'PasswordInputError';
}

async function firstLine(stdin: NodeJS.ReadStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    const nl = text.search(/\r?\n/);
    if (nl >= 0) return text.slice(0, nl);
    if (text.length > 4096) break;
  }
  if (text === '') throw new PasswordInputError('no password on standard input');
  return text;
}

function promptHidden(prompt: string, stdin: ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new PasswordInputError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
