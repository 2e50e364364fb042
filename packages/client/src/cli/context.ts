/**
 * @module context
 * What every CLI command gets: output (human or `--json`), the session store, the server URL, and a connected
 * `CadenzaClient` built from the stored session (refreshing and re-saving the rotating tokens by itself).
 */
import { CadenzaClient, DEFAULT_URL } from '../cadenza-client.ts';
import { SessionManager } from '../auth.ts';
import { CadenzaError } from '../errors.ts';
import { SessionStore, type StoredSession } from './session-store.ts';

/** Wrong command-line usage: exit code 2, with the command's usage shown. */
export class UsageError extends CadenzaError {
  override name = 'UsageError';
}

/** A failure the CLI explains in its own words, with its exit code (e.g. 4 for an unknown instrument). */
export class CliError extends CadenzaError {
  override name = 'CliError';
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** No stored session (or it no longer works): exit code 3, hint to log in. */
export class NotLoggedInError extends CadenzaError {
  override name = 'NotLoggedInError';
}

/** stdout and stderr (process streams, or captures in tests). */
export interface Streams {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number; rows?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

/** Human or JSON output; progress on stderr. */
export class Output {
  constructor(
    readonly json: boolean,
    readonly quiet: boolean,
    readonly streams: Streams,
  ) {}

  /** Progress for humans, on stderr; silent with --json or --quiet. */
  progress(message: string): void {
    if (!this.json && !this.quiet) this.streams.stderr.write(`${message}\n`);
  }

  /** A command's result: `human()` as text, or `data` as JSON with --json. */
  result(data: unknown, human: () => string): void {
    this.streams.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
  }

  /** One JSON object per line (streams with --json), or a text line. */
  event(data: unknown, human: () => string): void {
    this.streams.stdout.write(this.json ? `${JSON.stringify(data)}\n` : `${human()}\n`);
  }

  raw(text: string): void {
    this.streams.stdout.write(text);
  }
}

/** What a `CliContext` is built from. */
export interface ContextOptions {
  url?: string;
  json: boolean;
  quiet: boolean;
  env: NodeJS.ProcessEnv;
  streams: Streams;
  store: SessionStore;
}

/** Per-invocation state of the CLI; `close()` releases streams and the connection. */
export class CliContext {
  readonly out: Output;
  readonly store: SessionStore;
  readonly env: NodeJS.ProcessEnv;
  readonly streams: Streams;
  private readonly explicitUrl: string | undefined;
  private client: CadenzaClient | undefined;
  private readonly cleanups: Array<() => void> = [];

  constructor(opts: ContextOptions) {
    this.out = new Output(opts.json, opts.quiet, opts.streams);
    this.store = opts.store;
    this.env = opts.env;
    this.streams = opts.streams;
    this.explicitUrl = opts.url ?? (opts.env.CADENZA_URL || undefined);
  }

  /** --url, else CADENZA_URL, else the URL of the stored session, else http://localhost:8000. */
  get url(): string {
    return (this.explicitUrl ?? this.store.load()?.url ?? DEFAULT_URL).replace(/\/+$/, '');
  }

  /** The stored session for this server; throws NotLoggedInError when there is none. */
  stored(): StoredSession {
    const s = this.store.load();
    if (!s) throw new NotLoggedInError('not logged in: run `cadenza login` first');
    if (this.explicitUrl && s.url !== this.explicitUrl.replace(/\/+$/, '')) {
      throw new NotLoggedInError(`the stored session is for ${s.url}, not ${this.url}: run \`cadenza login --url ${this.url}\``);
    }
    return s;
  }

  /** A session manager over the stored session whose refreshes are written back to the store. */
  sessionManager(): SessionManager {
    const s = this.stored();
    return new SessionManager({ url: s.url, session: s.session, onSession: (next) => this.store.updateSession(next) });
  }

  /** A connected client (one per command run). */
  async connect(): Promise<CadenzaClient> {
    if (this.client) return this.client;
    const session = this.sessionManager();
    const client = new CadenzaClient({ url: this.stored().url, session, connectTimeoutMs: Number(this.env.CADENZA_CONNECT_TIMEOUT_MS ?? 10_000) });
    this.out.progress(`Connecting to ${client.wsUrl} …`);
    await client.connect({ retry: false });
    this.client = client;
    return client;
  }

  onClose(fn: () => void): void {
    this.cleanups.push(fn);
  }

  close(): void {
    for (const fn of this.cleanups.splice(0)) fn();
    this.client?.disconnect();
    this.client = undefined;
  }
}
