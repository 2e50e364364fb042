/**
 * @module deribit/session
 * One trading account's authenticated JSON-RPC WebSocket to Deribit: everything the account does goes over it.
 *
 *  - On every (re)open it authenticates (`public/auth`, scope of the connection), asks for heartbeats
 *    (`public/set_heartbeat`) and subscribes the account's private channels (`user.changes.any.any.raw`: orders,
 *    trades and positions of every instrument; `user.portfolio.any`: balances). It is ready once Deribit confirmed
 *    the subscription — so nothing about an order placed afterwards can be missed. A refused key is not retried.
 *  - `call` sends a request inside the account's credit pools (rate-limits.ts) and resolves with its result. A call
 *    the socket lost or that timed out after it was sent has an unknown outcome for the matching engine (the order
 *    may have been placed): the caller reconciles.
 *  - A heartbeat `test_request` is answered with `public/test`; a socket silent past the idle timeout is replaced,
 *    and a session that comes back after a loss reports `onResubscribed` (Deribit does not replay notifications).
 *  - Credentials live only in memory; the access token is renewed by authenticating again before it expires.
 */
import { ManagedSocket } from '../kit/managed-socket.ts';
import { VenueError, errorText } from '../kit/venue-error.ts';
import type { CreditBuckets } from '../kit/credit-bucket.ts';
import { readFrame, requestFrame, rpcError } from './rpc.ts';
import { MATCHING_METHODS, creditOf } from './rate-limits.ts';
import type { DeribitAuth } from './signing.ts';

export const PRIVATE_CHANNELS = ['user.changes.any.any.raw', 'user.portfolio.any'];

export interface DeribitSessionOptions {
  venue: string;
  tradingAccountId: string;
  url: string;
  auth: DeribitAuth;
  credits: CreditBuckets;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  heartbeatSeconds: number;
  idleTimeoutMs: number;
  reconnectDelayMs: { min: number; max: number };
  requestTimeoutMs: number;
  /** The longest a matching-engine request waits for credits. */
  maxOrderWaitMs: number;
  onNotification(channel: string, data: unknown): void;
  onResubscribed(): void;
  /** The session is (again) authenticated and subscribed: after the first connect and after every reconnect. */
  onReady?(): void;
  /** The key was refused: the session stopped. */
  onRefused(err: VenueError): void;
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class DeribitSession {
  private readonly socket: ManagedSocket;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readiness!: { promise: Promise<void>; resolve(): void; reject(err: Error): void; settled: boolean };
  private everReady = false;
  private stopped = false;
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: DeribitSessionOptions) {
    this.arm();
    this.socket = new ManagedSocket({
      name: `${o.venue} account ${o.tradingAccountId}`,
      url: o.url,
      log: o.log,
      idleTimeoutMs: o.idleTimeoutMs,
      reconnectDelayMs: o.reconnectDelayMs,
      beforeConnect: () => o.credits.acquire('ws:connect|ip', 1, 5000),
      onOpen: () => void this.greet(),
      onMessage: (text) => this.onMessage(text),
      onDown: (reason) => this.onDown(reason),
    });
  }

  get clientId(): string {
    return this.o.auth.clientId;
  }

  /**
   * Connects (once); resolves when the account is authenticated and subscribed. Rejects when Deribit refuses the key,
   * or when the session is not ready within the request timeout (it keeps reconnecting in the background).
   */
  start(): Promise<void> {
    this.socket.start();
    return withTimeout(this.readiness.promise, this.o.requestTimeoutMs, () => new VenueError(this.o.venue, 'network', 'Deribit account stream: not connected in time'));
  }

  ready(): Promise<void> {
    return this.readiness.promise;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.renewTimer);
    this.socket.stop();
    this.failPending(() => new VenueError(this.o.venue, 'network', 'Deribit session closed'));
    if (!this.readiness.settled) this.settle(new VenueError(this.o.venue, 'network', 'Deribit session closed'));
  }

  /** Drops the connection as if the network had (tests, and a session Deribit told to go away). */
  reconnect(reason: string): void {
    this.socket.reconnect(reason);
  }

  /** A request on the authenticated connection, once it is ready; rejects with the venue's error. */
  async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    const matching = MATCHING_METHODS.has(method);
    const { key, cost } = creditOf(method, this.o.auth.clientId);
    // Orders never wait out a back-off Deribit imposed, and only briefly for their own pool.
    await this.o.credits.acquire(key, cost, matching ? this.o.maxOrderWaitMs : 10_000, !matching);
    await withTimeout(this.readiness.promise, this.o.requestTimeoutMs, () => new VenueError(this.o.venue, 'network', `Deribit account stream not ready for ${method}`));
    return this.send(method, params);
  }

  private send(method: string, params: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    const matching = MATCHING_METHODS.has(method);
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new VenueError(this.o.venue, matching ? 'unknown-outcome' : 'network', `Deribit did not answer ${method} in time`));
      }, this.o.requestTimeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      if (!this.socket.send(requestFrame(id, method, params))) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new VenueError(this.o.venue, 'network', `Deribit account stream is down; ${method} not sent`));
      }
    });
  }

  private async greet(): Promise<void> {
    if (this.readiness.settled) this.arm();
    try {
      const auth = (await this.send('public/auth', this.o.auth.params())) as { expires_in?: { lexeme: string } } | undefined;
      this.scheduleRenewal(Number(auth?.expires_in?.lexeme ?? 0));
      await this.send('public/set_heartbeat', { interval: this.o.heartbeatSeconds });
      await this.send('private/subscribe', { channels: PRIVATE_CHANNELS });
    } catch (err) {
      const refused = err instanceof VenueError && err.kind === 'rejected';
      if (refused) {
        this.o.log.warn({ tradingAccountId: this.o.tradingAccountId, err: err.message }, 'Deribit refused the account; not retrying');
        this.settle(err);
        this.stop();
        this.o.onRefused(err);
        return;
      }
      this.o.log.warn({ tradingAccountId: this.o.tradingAccountId, err: errorText(err) }, 'Deribit account stream: greeting failed; reconnecting');
      this.socket.reconnect('greeting failed');
      return;
    }
    this.settle();
    if (this.everReady) this.o.onResubscribed();
    this.everReady = true;
    this.o.onReady?.();
  }

  private scheduleRenewal(expiresInSeconds: number): void {
    clearTimeout(this.renewTimer);
    if (!(expiresInSeconds > 0)) return;
    // Authenticate again well before the token expires (a connection-scoped token ends with the connection anyway).
    this.renewTimer = setTimeout(() => {
      this.send('public/auth', this.o.auth.params()).then(
        (r) => this.scheduleRenewal(Number((r as { expires_in?: { lexeme: string } } | undefined)?.expires_in?.lexeme ?? 0)),
        (err: unknown) => this.socket.reconnect(`token renewal failed: ${errorText(err)}`),
      );
    }, Math.max(1000, expiresInSeconds * 800));
    this.renewTimer.unref?.();
  }

  private onMessage(text: string): void {
    const frame = readFrame(text);
    if (!frame) return;
    switch (frame.kind) {
      case 'heartbeat':
        if (frame.type === 'test_request') this.socket.send(requestFrame(this.nextId++, 'public/test', {}));
        return;
      case 'notification':
        try {
          this.o.onNotification(frame.channel, frame.data);
        } catch (err) {
          this.o.log.warn({ tradingAccountId: this.o.tradingAccountId, channel: frame.channel, err: errorText(err) }, 'dropped a malformed Deribit notification');
        }
        return;
      case 'response': {
        const p = this.pending.get(frame.id);
        if (!p) return;
        this.pending.delete(frame.id);
        clearTimeout(p.timer);
        if (frame.error) {
          const err = rpcError(this.o.venue, p.method, frame.error);
          if (err.kind === 'rate-limited') this.o.credits.backOff(err.details.retryAfterMs ?? 1000);
          p.reject(err);
        } else p.resolve(frame.result);
        return;
      }
      default:
        return;
    }
  }

  private onDown(reason: string): void {
    clearTimeout(this.renewTimer);
    this.o.log.warn({ tradingAccountId: this.o.tradingAccountId, reason }, 'Deribit account stream lost; reconnecting');
    // A request lost with the socket may still have reached the matching engine.
    this.failPending((p) => new VenueError(this.o.venue, MATCHING_METHODS.has(p.method) ? 'unknown-outcome' : 'network', `Deribit account stream lost while ${p.method} was pending: ${reason}`));
    if (this.readiness.settled) this.arm();
  }

  private failPending(make: (p: Pending) => VenueError): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(make(p));
    }
  }

  private arm(): void {
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    this.readiness = { promise, resolve, reject, settled: false };
  }

  private settle(err?: Error): void {
    if (this.readiness.settled) {
      if (!err || this.stopped) return;
      this.arm();
    }
    this.readiness.settled = true;
    if (err) this.readiness.reject(err);
    else this.readiness.resolve();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, err: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(err()), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e as Error)),
    );
  });
}
