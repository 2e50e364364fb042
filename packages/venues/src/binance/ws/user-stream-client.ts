/**
 * @module binance/ws/user-stream-client
 * The User Data Stream over Binance's WebSocket API. Spot listenKeys are discontinued (Binance announcement,
 * effective 2026-02-20), so each trading account is subscribed on one shared WebSocket API connection with
 * `userDataStream.subscribe.signature` — which works for HMAC, RSA and Ed25519 keys alike — and its events
 * arrive wrapped as `{"subscriptionId": n, "event": {…}}`.
 *
 * The connection is a kit managed socket: opened with the first account, reconnected with back-off when lost,
 * replaced before Binance's 24-hour cut. Every (re)open subscribes every known account again.
 *
 * Promises: `subscribe` resolves once Binance acknowledged the subscription (so no report of an order placed
 * afterwards is missed) and rejects when it is refused or the connection cannot be made; after a dropped
 * connection, a replaced one or an `eventStreamTerminated`, the account is subscribed again and `onResubscribed`
 * fires, so the owner can reconcile what the outage hid; signers stay in memory only.
 */
import { ManagedSocket } from '../../kit/managed-socket.ts';
import { errorText } from '../../kit/venue-error.ts';
import { asObject, int } from '../wire.ts';
import { parseWsApiMessage } from '../user-data.ts';
import { wsApiSignaturePayload, type RequestSigner } from '../signing.ts';
import { BinanceVenueError } from '../errors.ts';
import type { WireObject } from '../wire.ts';

export interface UserStreamOptions {
  url: string;
  /** Binance-corrected time for `timestamp`. */
  serverNow(): number;
  recvWindowMs: number;
  onEvent(tradingAccountId: string, event: WireObject): void;
  /** An account was subscribed again after a lost connection or subscription: events may have been missed. */
  onResubscribed?(tradingAccountId: string): void;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  requestTimeoutMs?: number;
  reconnectDelayMs?: { min: number; max: number };
  maxConnectionAgeMs?: number;
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

interface Account {
  readonly signer: RequestSigner;
  /** Settles with the current subscription attempt. */
  ready: Promise<void>;
  settle: { resolve(): void; reject(err: Error): void } | undefined;
  timer: NodeJS.Timeout | undefined;
  failed: boolean;
  everSubscribed: boolean;
}

export class BinanceUserStream {
  private readonly socket: ManagedSocket;
  private readonly accounts = new Map<string, Account>();
  private readonly accountBySubscription = new Map<number, string>();
  private readonly pending = new Map<string, Pending>();
  /** Counts connections, so an answer for a replaced one is not taken for the current one. */
  private generation = 0;
  private nextId = 1;
  private closed = false;
  /** Why the connection is down, while it is (a subscription then fails at once instead of waiting for it). */
  private outage: string | undefined;

  constructor(private readonly options: UserStreamOptions) {
    this.socket = new ManagedSocket({
      name: 'Binance WebSocket API',
      url: options.url,
      log: options.log,
      // Binance pings every 20 s; a minute of silence means the connection is gone.
      idleTimeoutMs: 70_000,
      maxAgeMs: options.maxConnectionAgeMs ?? 23.5 * 3600_000,
      ...(options.reconnectDelayMs ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
      onOpen: () => this.onOpen(),
      onMessage: (text) => this.onMessage(text),
      onDown: (reason) => this.onDown(reason),
    });
  }

  /** Subscribes an account's events (idempotent per account and key); resolves when Binance acknowledged it. */
  subscribe(tradingAccountId: string, signer: RequestSigner): Promise<void> {
    if (this.closed) return Promise.reject(new BinanceVenueError('network', 'user data stream closed'));
    const existing = this.accounts.get(tradingAccountId);
    if (existing && !existing.failed && existing.signer.apiKey === signer.apiKey) return existing.ready;
    if (existing) this.fail(existing, new BinanceVenueError('network', 'replaced by a subscription with another key'));
    const account: Account = { signer, ready: Promise.resolve(), settle: undefined, timer: undefined, failed: false, everSubscribed: existing?.everSubscribed ?? false };
    this.accounts.set(tradingAccountId, account);
    this.arm(account);
    if (this.socket.isOpen) this.sendSubscribe(tradingAccountId, account);
    else if (this.outage !== undefined) this.fail(account, new BinanceVenueError('network', `Binance WebSocket API unavailable: ${this.outage}`));
    else this.socket.start();
    return account.ready;
  }

  close(): void {
    this.closed = true;
    const err = new BinanceVenueError('network', 'user data stream closed');
    this.rejectRequests(err);
    for (const a of this.accounts.values()) this.fail(a, err);
    this.accounts.clear();
    this.socket.stop();
  }

  /** A fresh readiness promise for the account's next subscription attempt. */
  private arm(account: Account): void {
    account.failed = false;
    account.ready = new Promise<void>((resolve, reject) => {
      account.settle = { resolve, reject };
    });
    account.ready.catch(() => undefined);
    clearTimeout(account.timer);
    account.timer = setTimeout(() => this.fail(account, new BinanceVenueError('network', 'Binance WebSocket API: no answer to the subscription')), this.options.requestTimeoutMs ?? 10_000);
    account.timer.unref?.();
  }

  private fail(account: Account, err: Error): void {
    clearTimeout(account.timer);
    if (!account.settle) return;
    account.failed = true;
    const settle = account.settle;
    account.settle = undefined;
    settle?.reject(err);
  }

  private onOpen(): void {
    this.outage = undefined;
    this.generation++;
    this.accountBySubscription.clear();
    // Answers still owed by a replaced connection will never come.
    this.rejectRequests(new BinanceVenueError('network', 'user data stream connection replaced'));
    for (const [id, account] of this.accounts) {
      if (!account.settle) this.arm(account);
      this.sendSubscribe(id, account);
    }
  }

  private onDown(reason: string): void {
    this.outage = reason;
    this.accountBySubscription.clear();
    const err = new BinanceVenueError('network', `Binance WebSocket API unavailable: ${reason}`);
    this.rejectRequests(err);
    for (const a of this.accounts.values()) if (a.settle) this.fail(a, err);
    this.options.log.warn({ reason }, 'Binance user data stream lost; reconnecting');
  }

  private sendSubscribe(tradingAccountId: string, account: Account): void {
    const generation = this.generation;
    const params: Record<string, string | number> = { apiKey: account.signer.apiKey, recvWindow: this.options.recvWindowMs, timestamp: this.options.serverNow() };
    params.signature = account.signer.sign(wsApiSignaturePayload(params));
    this.request('userDataStream.subscribe.signature', params).then(
      (result) => {
        if (generation !== this.generation || this.accounts.get(tradingAccountId) !== account) return;
        try {
          this.accountBySubscription.set(int(asObject(result, 'subscribe result'), 'subscriptionId'), tradingAccountId);
        } catch (err) {
          this.fail(account, err instanceof Error ? err : new Error(String(err)));
          return;
        }
        clearTimeout(account.timer);
        const settle = account.settle;
        account.settle = undefined;
        settle?.resolve();
        if (account.everSubscribed) this.options.onResubscribed?.(tradingAccountId);
        account.everSubscribed = true;
      },
      (err: unknown) => {
        if (generation !== this.generation || this.accounts.get(tradingAccountId) !== account) return;
        this.options.log.warn({ tradingAccountId, err: errorText(err) }, 'Binance user data subscription failed');
        this.fail(account, err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private request(method: string, params: Record<string, string | number>): Promise<unknown> {
    const id = `cadenza-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BinanceVenueError('network', `${method} got no answer`));
      }, this.options.requestTimeoutMs ?? 10_000);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.socket.send({ id, method, params })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new BinanceVenueError('network', 'Binance WebSocket API is not connected'));
      }
    });
  }

  private rejectRequests(err: Error): void {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  private onMessage(text: string): void {
    const msg = parseWsApiMessage(text);
    switch (msg.kind) {
      case 'response': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.status === 200) p.resolve(msg.result);
        else
          p.reject(
            new BinanceVenueError(msg.status === 429 ? 'rate-limited' : msg.status === 418 ? 'banned' : 'rejected', msg.error ? `${msg.error.code}: ${msg.error.msg}` : `status ${msg.status}`, {
              httpStatus: msg.status,
              ...(msg.error ? { code: msg.error.code } : {}),
            }),
          );
        return;
      }
      case 'event': {
        const tradingAccountId = msg.subscriptionId === undefined ? undefined : this.accountBySubscription.get(msg.subscriptionId);
        if (msg.event.e === 'eventStreamTerminated') {
          this.options.log.warn({ subscriptionId: msg.subscriptionId }, 'Binance terminated a user data subscription');
          const account = tradingAccountId === undefined ? undefined : this.accounts.get(tradingAccountId);
          if (tradingAccountId !== undefined && account && this.socket.isOpen) {
            this.accountBySubscription.delete(msg.subscriptionId!);
            if (!account.settle) this.arm(account);
            this.sendSubscribe(tradingAccountId, account);
          }
          return;
        }
        if (tradingAccountId !== undefined) this.options.onEvent(tradingAccountId, msg.event);
        return;
      }
      case 'unknown':
        return;
    }
  }
}
