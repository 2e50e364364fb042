/**
 * @module okx/private-stream
 * The private WebSocket (`/ws/v5/private`) of each trading account: OKX logs in per connection, so every account
 * with a credential gets its own socket, which sends `login`, then subscribes `orders` (instType SPOT) and `account`.
 *
 * Promises: `subscribe` resolves once OKX acknowledged the `orders` subscription (so no report of an order placed
 * afterwards is missed) and rejects when the login is refused; after a dropped connection the socket logs in and
 * subscribes again and `onResubscribed` fires — OKX does not replay what it pushed meanwhile, so the owner
 * reconciles. Signers stay in memory only.
 */
import { ManagedSocket } from '../kit/managed-socket.ts';
import { VenueError, errorText } from '../kit/venue-error.ts';
import { loginFrame, type OkxSigner } from './signing.ts';

export interface OkxPrivateOptions {
  venue: string;
  url: string;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  serverNow(): number;
  /** Connection-rate gate (3 connection requests per second per IP). */
  beforeConnect(): Promise<unknown>;
  onOrder(tradingAccountId: string, row: unknown): void;
  onAccount(tradingAccountId: string, row: unknown): void;
  onResubscribed(tradingAccountId: string): void;
  pingIntervalMs: number;
  idleTimeoutMs: number;
  reconnectDelayMs: { min: number; max: number };
  requestTimeoutMs?: number;
}

interface AccountStream {
  readonly socket: ManagedSocket;
  readonly apiKey: string;
  ready: Promise<void>;
  settle: { resolve(): void; reject(err: Error): void } | undefined;
  everReady: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class OkxPrivateStreams {
  private readonly streams = new Map<string, AccountStream>();
  private closed = false;

  constructor(private readonly options: OkxPrivateOptions) {}

  /** Number of accounts with a private socket (tests, diagnostics). */
  get size(): number {
    return this.streams.size;
  }

  /** Logs the account in and subscribes its orders and balances (idempotent per account and key). */
  subscribe(tradingAccountId: string, signer: OkxSigner): Promise<void> {
    if (this.closed) return Promise.reject(new VenueError(this.options.venue, 'network', 'OKX private streams are closed'));
    const existing = this.streams.get(tradingAccountId);
    if (existing && existing.apiKey === signer.apiKey) return existing.ready;
    existing?.socket.stop();
    const stream: AccountStream = {
      apiKey: signer.apiKey,
      ready: Promise.resolve(),
      settle: undefined,
      everReady: false,
      timer: undefined,
      socket: new ManagedSocket({
        name: `${this.options.venue} private ${tradingAccountId}`,
        url: this.options.url,
        log: this.options.log,
        pingIntervalMs: this.options.pingIntervalMs,
        pingFrame: 'ping',
        idleTimeoutMs: this.options.idleTimeoutMs,
        reconnectDelayMs: this.options.reconnectDelayMs,
        beforeConnect: () => this.options.beforeConnect(),
        onOpen: (socket) => {
          if (!stream.settle) this.arm(stream, tradingAccountId);
          socket.send(loginFrame(signer, Math.floor(this.options.serverNow() / 1000)));
        },
        onMessage: (text) => this.onMessage(tradingAccountId, stream, text),
        onDown: (reason) => this.options.log.warn({ tradingAccountId, reason }, 'OKX private stream lost; reconnecting'),
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
      s.settle?.reject(new VenueError(this.options.venue, 'network', 'OKX private stream closed'));
      s.socket.stop();
    }
    this.streams.clear();
  }

  /** A fresh readiness promise for the next login + subscription round. */
  private arm(stream: AccountStream, tradingAccountId: string): void {
    stream.ready = new Promise<void>((resolve, reject) => {
      stream.settle = { resolve, reject };
    });
    stream.ready.catch(() => undefined);
    clearTimeout(stream.timer);
    stream.timer = setTimeout(() => this.fail(stream, tradingAccountId, new VenueError(this.options.venue, 'network', 'OKX private stream: no login answer')), this.options.requestTimeoutMs ?? 10_000);
    stream.timer.unref?.();
  }

  private fail(stream: AccountStream, tradingAccountId: string, err: VenueError): void {
    clearTimeout(stream.timer);
    const settle = stream.settle;
    stream.settle = undefined;
    settle?.reject(err);
    if (err.kind === 'rejected') {
      // A refused login will be refused again: stop trying until the account subscribes with another key.
      stream.socket.stop();
      if (this.streams.get(tradingAccountId) === stream) this.streams.delete(tradingAccountId);
    }
  }

  private onMessage(tradingAccountId: string, stream: AccountStream, text: string): void {
    if (text === 'pong') return;
    let msg: { event?: unknown; code?: unknown; msg?: unknown; arg?: { channel?: unknown }; data?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    switch (msg.event) {
      case 'login':
        if (msg.code === '0' || msg.code === 0) {
          stream.socket.send({ op: 'subscribe', args: [{ channel: 'orders', instType: 'SPOT' }, { channel: 'account' }] });
        } else this.fail(stream, tradingAccountId, new VenueError(this.options.venue, 'rejected', `OKX login refused: ${String(msg.code)}: ${String(msg.msg ?? '')}`, { code: String(msg.code) }));
        return;
      case 'error':
        this.options.log.warn({ tradingAccountId, code: msg.code, msg: msg.msg }, 'OKX private stream error');
        if (stream.settle) this.fail(stream, tradingAccountId, new VenueError(this.options.venue, 'rejected', `OKX: ${String(msg.code)}: ${String(msg.msg ?? '')}`, { code: String(msg.code) }));
        return;
      case 'subscribe':
        if (msg.arg?.channel === 'orders') {
          clearTimeout(stream.timer);
          const settle = stream.settle;
          stream.settle = undefined;
          settle?.resolve();
          if (stream.everReady) this.options.onResubscribed(tradingAccountId);
          stream.everReady = true;
        }
        return;
      case undefined:
        break;
      default:
        return;
    }
    if (!Array.isArray(msg.data)) return;
    for (const row of msg.data) {
      try {
        if (msg.arg?.channel === 'orders') this.options.onOrder(tradingAccountId, row);
        else if (msg.arg?.channel === 'account') this.options.onAccount(tradingAccountId, row);
      } catch (err) {
        this.options.log.warn({ tradingAccountId, err: errorText(err) }, 'dropped a malformed OKX private push');
      }
    }
  }
}
