/**
 * @module binance/ws/user-stream-client
 * The User Data Stream over Binance's WebSocket API. Spot listenKeys are discontinued (Binance announcement,
 * effective 2026-02-20), so each trading account is subscribed on one shared WebSocket API connection with
 * `userDataStream.subscribe.signature` — which works for HMAC, RSA and Ed25519 keys alike — and its events
 * arrive wrapped as `{"subscriptionId": n, "event": {…}}`.
 *
 * Promises: `subscribe` resolves once Binance acknowledged the subscription (so no report of an order placed
 * afterwards is missed); after a dropped connection every account is resubscribed and `onResubscribed` fires,
 * so the owner can reconcile what the outage hid; signers stay in memory only.
 */
import WebSocket from 'ws';
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

export class BinanceUserStream {
  private socket: WebSocket | undefined;
  private opening: Promise<WebSocket> | undefined;
  private readonly signers = new Map<string, RequestSigner>();
  private readonly accountBySubscription = new Map<number, string>();
  private readonly subscribed = new Map<string, Promise<void>>();
  private readonly pending = new Map<string, Pending>();
  private readonly everSubscribed = new Set<string>();
  private nextId = 1;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: UserStreamOptions) {}

  /** Subscribes an account's events (idempotent per account); resolves when Binance acknowledged it. */
  subscribe(tradingAccountId: string, signer: RequestSigner): Promise<void> {
    const existing = this.subscribed.get(tradingAccountId);
    if (existing && this.signers.get(tradingAccountId)?.apiKey === signer.apiKey) return existing;
    this.signers.set(tradingAccountId, signer);
    const p = this.doSubscribe(tradingAccountId, signer);
    this.subscribed.set(tradingAccountId, p);
    p.catch(() => {
      if (this.subscribed.get(tradingAccountId) === p) this.subscribed.delete(tradingAccountId);
    });
    return p;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.ageTimer);
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new BinanceVenueError('network', 'user data stream closed'));
    }
    this.pending.clear();
    this.socket?.removeAllListeners('message');
    this.socket?.close(1000);
    this.socket = undefined;
  }

  private async doSubscribe(tradingAccountId: string, signer: RequestSigner): Promise<void> {
    const socket = await this.open();
    const params: Record<string, string | number> = { apiKey: signer.apiKey, recvWindow: this.options.recvWindowMs, timestamp: this.options.serverNow() };
    params.signature = signer.sign(wsApiSignaturePayload(params));
    const result = await this.request(socket, 'userDataStream.subscribe.signature', params);
    const subscriptionId = int(asObject(result, 'subscribe result'), 'subscriptionId');
    this.accountBySubscription.set(subscriptionId, tradingAccountId);
    if (this.everSubscribed.has(tradingAccountId)) this.options.onResubscribed?.(tradingAccountId);
    this.everSubscribed.add(tradingAccountId);
  }

  private open(): Promise<WebSocket> {
    if (this.closed) return Promise.reject(new BinanceVenueError('network', 'user data stream closed'));
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    if (this.opening) return this.opening;
    this.opening = new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.options.url, { handshakeTimeout: this.options.requestTimeoutMs ?? 10_000 });
      socket.once('open', () => {
        this.socket = socket;
        this.opening = undefined;
        this.attempts = 0;
        this.ageTimer = setTimeout(() => socket.close(1000, 'age limit'), this.options.maxConnectionAgeMs ?? 23.5 * 3600_000);
        this.ageTimer.unref?.();
        resolve(socket);
      });
      socket.on('message', (raw) => this.onMessage(String(raw)));
      socket.on('error', (err) => {
        this.options.log.warn({ err: err.message }, 'Binance WebSocket API socket error');
        if (this.opening) {
          this.opening = undefined;
          reject(new BinanceVenueError('network', `cannot reach the Binance WebSocket API: ${err.message}`, { cause: err }));
        }
      });
      socket.on('close', () => this.onClose(socket));
    });
    return this.opening;
  }

  private request(socket: WebSocket, method: string, params: Record<string, string | number>): Promise<unknown> {
    const id = `cadenza-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BinanceVenueError('network', `${method} got no answer`));
      }, this.options.requestTimeoutMs ?? 10_000);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ id, method, params }));
    });
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
        const account = msg.subscriptionId === undefined ? undefined : this.accountBySubscription.get(msg.subscriptionId);
        if (msg.event.e === 'eventStreamTerminated') {
          this.options.log.warn({ subscriptionId: msg.subscriptionId }, 'Binance terminated a user data subscription');
          if (account) this.resubscribe(account);
          return;
        }
        if (account) this.options.onEvent(account, msg.event);
        return;
      }
      case 'unknown':
        return;
    }
  }

  private onClose(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    clearTimeout(this.ageTimer);
    this.accountBySubscription.clear();
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new BinanceVenueError('network', 'user data stream connection lost'));
    }
    this.pending.clear();
    this.subscribed.clear();
    if (this.closed || this.signers.size === 0) return;
    const { min, max } = this.options.reconnectDelayMs ?? { min: 250, max: 30_000 };
    const delay = Math.min(max, min * 2 ** this.attempts);
    this.attempts++;
    this.reconnectTimer = setTimeout(() => {
      for (const account of this.signers.keys()) this.resubscribe(account);
    }, delay);
  }

  private resubscribe(account: string): void {
    const signer = this.signers.get(account);
    if (!signer || this.closed) return;
    this.subscribed.delete(account);
    this.subscribe(account, signer).catch((err: unknown) => {
      this.options.log.warn({ tradingAccountId: account, err: err instanceof Error ? err.message : String(err) }, 'resubscribing the user data stream failed');
      if (this.closed) return;
      const { min, max } = this.options.reconnectDelayMs ?? { min: 250, max: 30_000 };
      const delay = Math.min(max, min * 2 ** this.attempts);
      this.attempts++;
      this.reconnectTimer = setTimeout(() => this.resubscribe(account), delay);
    });
  }
}
