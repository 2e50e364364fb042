/**
 * @module bitfinex/auth-stream
 * The authenticated WebSocket of each trading account (Bitfinex authenticates per connection): `conf` with SEQ_ALL,
 * then the `auth` event (HMAC-SHA384 over `AUTH` + nonce). Channel 0 then carries the account's orders (`os`, `on`,
 * `ou`, `oc`), trades (`te`, `tu` — `tu` carries the fee) and wallets (`ws`, `wu`).
 *
 * Promises: `subscribe` resolves once Bitfinex confirmed the authentication and rejects when it refuses it; channel
 * 0 messages carry an authenticated sequence number as their last element — a number that does not follow its
 * predecessor means a lost message, so the connection is dropped; after any reconnection the socket authenticates
 * again and `onResubscribed` fires (Bitfinex does not replay what it pushed meanwhile), so the owner reconciles.
 */
import { ManagedSocket } from '../kit/managed-socket.ts';
import { VenueError, errorText } from '../kit/venue-error.ts';
import { isNumber, parseBitfinexJson } from './json.ts';
import { authEvent, type BitfinexSigner, type NonceSource } from './signing.ts';

export interface BitfinexAuthOptions {
  venue: string;
  url: string;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  nonces: NonceSource;
  beforeConnect(): Promise<unknown>;
  onMessage(tradingAccountId: string, type: string, data: unknown): void;
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
  lastAuthSeq: number | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class BitfinexAuthStreams {
  private readonly streams = new Map<string, AccountStream>();
  private closed = false;

  constructor(private readonly options: BitfinexAuthOptions) {}

  subscribe(tradingAccountId: string, signer: BitfinexSigner): Promise<void> {
    if (this.closed) return Promise.reject(new VenueError(this.options.venue, 'network', 'Bitfinex account streams are closed'));
    const existing = this.streams.get(tradingAccountId);
    if (existing && existing.apiKey === signer.apiKey) return existing.ready;
    existing?.socket.stop();
    const stream: AccountStream = {
      apiKey: signer.apiKey,
      ready: Promise.resolve(),
      settle: undefined,
      everReady: false,
      lastAuthSeq: undefined,
      timer: undefined,
      socket: new ManagedSocket({
        name: `${this.options.venue} account ${tradingAccountId}`,
        url: this.options.url,
        log: this.options.log,
        pingIntervalMs: this.options.pingIntervalMs,
        pingFrame: JSON.stringify({ event: 'ping', cid: 2 }),
        idleTimeoutMs: this.options.idleTimeoutMs,
        reconnectDelayMs: this.options.reconnectDelayMs,
        beforeConnect: () => this.options.beforeConnect(),
        onOpen: (socket) => {
          if (!stream.settle) this.arm(stream, tradingAccountId);
          stream.lastAuthSeq = undefined;
          socket.send({ event: 'conf', flags: 65536 });
          socket.send(authEvent(signer, this.options.nonces.next()));
        },
        onMessage: (text) => this.onMessage(tradingAccountId, stream, text),
        onDown: (reason) => this.options.log.warn({ tradingAccountId, reason }, 'Bitfinex account stream lost; reconnecting'),
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
      s.settle?.reject(new VenueError(this.options.venue, 'network', 'Bitfinex account stream closed'));
      s.socket.stop();
    }
    this.streams.clear();
  }

  private arm(stream: AccountStream, tradingAccountId: string): void {
    stream.ready = new Promise<void>((resolve, reject) => {
      stream.settle = { resolve, reject };
    });
    stream.ready.catch(() => undefined);
    clearTimeout(stream.timer);
    stream.timer = setTimeout(() => this.fail(stream, tradingAccountId, new VenueError(this.options.venue, 'network', 'Bitfinex account stream: no auth answer')), this.options.requestTimeoutMs ?? 10_000);
    stream.timer.unref?.();
  }

  private fail(stream: AccountStream, tradingAccountId: string, err: VenueError): void {
    clearTimeout(stream.timer);
    const settle = stream.settle;
    stream.settle = undefined;
    settle?.reject(err);
    if (err.kind === 'rejected') {
      stream.socket.stop();
      if (this.streams.get(tradingAccountId) === stream) this.streams.delete(tradingAccountId);
    }
  }

  private onMessage(tradingAccountId: string, stream: AccountStream, text: string): void {
    const msg = parseBitfinexJson(text);
    if (Array.isArray(msg)) {
      if (!isNumber(msg[0]) || msg[0].lexeme !== '0' || msg[1] === 'hb') return;
      // [0, TYPE, DATA, PUB_SEQ, AUTH_SEQ]: the last number is the authenticated sequence.
      const last = msg[msg.length - 1];
      if (msg.length >= 5 && isNumber(last)) {
        const seq = Number(last.lexeme);
        if (stream.lastAuthSeq !== undefined && seq !== stream.lastAuthSeq + 1) {
          this.options.log.warn({ tradingAccountId, expected: stream.lastAuthSeq + 1, received: seq }, 'Bitfinex account stream sequence gap; reconnecting');
          stream.socket.reconnect('authenticated sequence gap');
          return;
        }
        stream.lastAuthSeq = seq;
      }
      if (typeof msg[1] !== 'string') return;
      try {
        this.options.onMessage(tradingAccountId, msg[1], msg[2]);
      } catch (err) {
        this.options.log.warn({ tradingAccountId, type: msg[1], err: errorText(err) }, 'dropped a malformed Bitfinex account message');
      }
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const ev = msg as Record<string, unknown>;
    if (ev.event !== 'auth') return;
    if (ev.status === 'OK') {
      clearTimeout(stream.timer);
      const settle = stream.settle;
      stream.settle = undefined;
      settle?.resolve();
      if (stream.everReady) this.options.onResubscribed(tradingAccountId);
      stream.everReady = true;
      return;
    }
    const code = isNumber(ev.code) ? ev.code.lexeme : String(ev.code ?? '');
    this.fail(stream, tradingAccountId, new VenueError(this.options.venue, 'rejected', `Bitfinex refused the authentication: ${code}: ${String(ev.msg ?? '')}`, { code }));
  }
}
