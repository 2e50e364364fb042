/**
 * A command run in a pseudo-terminal, for tests that drive the CLI as a person at a terminal would: util-linux
 * `script` gives the command a PTY of a chosen size (so `isTTY`, raw-mode password prompts, Ctrl-C and terminal
 * rows behave as they do for a person); the test reads the screen output and types into it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export class PtySession {
  private readonly child: ChildProcessWithoutNullStreams;
  private text = '';
  private readonly waiters = new Set<() => void>();
  /** Exit code of the command (script -e passes it through). */
  readonly exited: Promise<number>;

  constructor(command: string, opts: { cwd: string; env: NodeJS.ProcessEnv; rows?: number; cols?: number }) {
    const size = `stty rows ${opts.rows ?? 24} cols ${opts.cols ?? 100}`;
    this.child = spawn('script', ['-q', '-e', '-c', `${size}; exec ${command}`, '/dev/null'], { cwd: opts.cwd, env: opts.env });
    const take = (b: Buffer) => {
      this.text += b.toString('utf8');
      for (const w of [...this.waiters]) w();
    };
    this.child.stdout.on('data', take);
    this.child.stderr.on('data', take);
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? 1)));
  }

  /** Everything the terminal showed so far (with escape sequences). */
  get output(): string {
    return this.text;
  }

  /** The output without ANSI escape sequences and carriage returns. */
  get plain(): string {
    return stripAnsi(this.text);
  }

  /** Resolves when the output (escape sequences stripped) matches; rejects with the output after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.plain.match(pattern);
        if (!m) return;
        done();
        resolve(m);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the terminal never showed ${pattern}; it shows:\n${this.plain.slice(-3000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Types into the terminal (`\r` is Enter, `\x03` Ctrl-C). */
  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Waits for the exit; the terminal's input is closed first. */
  async exit(timeoutMs = 20_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`the command did not exit; the terminal shows:\n${this.plain.slice(-3000)}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
      this.child.stdin.end();
    }
  }
}

export function stripAnsi(s: string): string {
  // CSI sequences (colours, cursor moves, clears), then carriage returns.
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}
