/**
 * @module kit/account-streams
 * One authenticated socket per trading account, for venues that authenticate per connection (OKX `login`, Bitfinex
 * `auth`). The connector says what to send when a socket opens (`greet`: log in, subscribe) and reads its frames
 * (`onFrame`), telling the session when the account is ready or was refused.
 *
 * Promises: `subscribe` resolves once the venue confirmed the account (so nothing about an order placed afterwards is
 * missed) and rejects when it refuses it — a refused key is not retried until the account subscribes with another;
 * a lost socket reconnects with back-off and greets again, and once ready again `onResubscribed` fires (venues do not
 * replay what they pushed meanwhile, so the owner reconciles). Signers stay in memory only.
 */
import { ManagedSocket, type Backoff } from './managed-socket.ts';
import { VenueError } from './venue-error.ts';

/** What `onFrame` may do with the account's socket. */
export interface AccountSession {
  /** The venue confirmed the account: `subscribe` resolves. */
  ready(): void;
  /** The venue refused the account (or the subscription): `subscribe` rejects. */
  refused(err: VenueError): void;
  send(frame: unknown): boolean;
  reconnect(reason: string): void;
}

export interface AccountStreamsOptions<S extends { readonly apiKey: string }> {
  venue: string;
  url: string;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  beforeConnect(): Promise<unknown>;
  pingIntervalMs: number;
  pingFrame: string;
  idleTimeoutMs: number;
  reconnectDelayMs: Backoff;
  requestTimeoutMs?: number;
  /** Frames to send on every (re)open: authentication and subscriptions. */
  greet(tradingAccountId: string, signer: S): unknown[];
  onFrame(tradingAccountId: string, text: string, session: AccountSession): void;
  onResubscribed(tradingAccountId: string): void;
}

interface Stream {
  readonly socket: ManagedSocket;
  readonly apiKey: string;
  ready: Promise<void>;
  settle: { resolve(): void; reject(err: Error): void } | undefined;
  everReady: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class AccountStreams<S extends { readonly apiKey: string }> {
  private readonly streams = new Map<string, Stream>();
  private closed = false;

  constructor(private readonly options: AccountStreamsOptions<S>) {}

  get size(): number {
    return this.streams.size;
  }

  /** Authenticates the account's socket (idempotent per account and key); resolves when the venue confirmed it. */
  subscribe(tradingAccountId: string, signer: S): Promise<void> {
    const { venue } = this.options;
    if (this.closed) return Promise.reject(new VenueError(venue, 'network', `${venue} account streams are closed`));
    const existing = this.streams.get(tradingAccountId);
    if (existing && existing.apiKey === signer.apiKey) return existing.ready;
    existing?.socket.stop();
    const session: AccountSession = {
      ready: () => this.ready(stream, tradingAccountId),
      // A refusal counts while the account is being authenticated; later errors are the connector's to log.
      refused: (err) => {
        if (stream.settle) this.fail(stream, tradingAccountId, err);
      },
      send: (frame) => stream.socket.send(frame),
      reconnect: (reason) => stream.socket.reconnect(reason),
    };
    const stream: Stream = {
      apiKey: signer.apiKey,
      ready: Promise.resolve(),
      settle: undefined,
      everReady: false,
      timer: undefined,
      socket: new ManagedSocket({
        name: `${venue} account ${tradingAccountId}`,
        url: this.options.url,
        log: this.options.log,
        pingIntervalMs: this.options.pingIntervalMs,
        pingFrame: this.options.pingFrame,
        idleTimeoutMs: this.options.idleTimeoutMs,
        reconnectDelayMs: this.options.reconnectDelayMs,
        beforeConnect: () => this.options.beforeConnect(),
        onOpen: (socket) => {
          if (!stream.settle) this.arm(stream, tradingAccountId);
          for (const frame of this.options.greet(tradingAccountId, signer)) socket.send(frame);
        },
        onMessage: (text) => this.options.onFrame(tradingAccountId, text, session),
        onDown: (reason) => this.options.log.warn({ tradingAccountId, reason }, `${venue} account stream lost; reconnecting`),
      }),
    };
    this.streams.set(tradingAccountId, stream);
    this.arm(stream, tradingAccountId);
    stream.socket.start();
    return stream.ready;
  }

  close(): void {
    this.closed = true;
    for (const s of this.streams.values()) {
      clearTimeout(s.timer);
      s.settle?.reject(new VenueError(this.options.venue, 'network', `${this.options.venue} account stream closed`));
      s.socket.stop();
    }
    this.streams.clear();
  }

  /** A fresh readiness promise for the next authentication round. */
  private arm(stream: Stream, tradingAccountId: string): void {
    stream.ready = new Promise<void>((resolve, reject) => {
      stream.settle = { resolve, reject };
    });
    stream.ready.catch(() => undefined);
    clearTimeout(stream.timer);
    stream.timer = setTimeout(() => this.fail(stream, tradingAccountId, new VenueError(this.options.venue, 'network', `${this.options.venue} account stream: no answer to the authentication`)), this.options.requestTimeoutMs ?? 10_000);
    stream.timer.unref?.();
  }

  private ready(stream: Stream, tradingAccountId: string): void {
    clearTimeout(stream.timer);
    const settle = stream.settle;
    stream.settle = undefined;
    if (!settle) return;
    settle.resolve();
    if (stream.everReady) this.options.onResubscribed(tradingAccountId);
    stream.everReady = true;
  }

  private fail(stream: Stream, tradingAccountId: string, err: VenueError): void {
    clearTimeout(stream.timer);
    const settle = stream.settle;
    stream.settle = undefined;
    settle?.reject(err);
    if (err.kind === 'rejected') {
      // A refused key will be refused again: stop trying until the account subscribes with another key.
      stream.socket.stop();
      if (this.streams.get(tradingAccountId) === stream) this.streams.delete(tradingAccountId);
    }
  }
}
