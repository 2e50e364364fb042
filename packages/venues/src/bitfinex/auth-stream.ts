/**
 * @module bitfinex/auth-stream
 * The authenticated WebSocket of each trading account (Bitfinex authenticates per connection), on the kit's account
 * streams: `conf` with SEQ_ALL, then the `auth` event (HMAC-SHA384 over `AUTH` + nonce). Channel 0 then carries the
 * account's orders (`os`, `on`, `ou`, `oc`), trades (`te`, `tu` — `tu` carries the fee) and wallets (`ws`, `wu`).
 * Channel-0 messages end with an authenticated sequence number; one that does not follow its predecessor means a
 * lost message, so the socket is dropped (it re-authenticates and the owner reconciles).
 */
import { AccountStreams, type AccountSession } from '../kit/account-streams.ts';
import { VenueError, errorText } from '../kit/venue-error.ts';
import { isNumber, parseLosslessJson } from '../kit/lossless-json.ts';
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
}

export function bitfinexAuthStreams(o: BitfinexAuthOptions): AccountStreams<BitfinexSigner> {
  /** The last authenticated sequence number per account, cleared when its socket (re)opens. */
  const lastSeq = new Map<string, number>();
  return new AccountStreams<BitfinexSigner>({
    venue: o.venue,
    url: o.url,
    log: o.log,
    beforeConnect: o.beforeConnect,
    pingIntervalMs: o.pingIntervalMs,
    pingFrame: JSON.stringify({ event: 'ping', cid: 2 }),
    idleTimeoutMs: o.idleTimeoutMs,
    reconnectDelayMs: o.reconnectDelayMs,
    greet: (account, signer) => {
      lastSeq.delete(account);
      return [{ event: 'conf', flags: 65536 }, authEvent(signer, o.nonces.next())];
    },
    onFrame: (account, text, session) => onFrame(o, lastSeq, account, text, session),
    onResubscribed: o.onResubscribed,
  });
}

function onFrame(o: BitfinexAuthOptions, lastSeq: Map<string, number>, tradingAccountId: string, text: string, session: AccountSession): void {
  const msg = parseLosslessJson(text);
  if (Array.isArray(msg)) {
    if (!isNumber(msg[0]) || msg[0].lexeme !== '0' || msg[1] === 'hb') return;
    // [0, TYPE, DATA, PUB_SEQ, AUTH_SEQ]: the last number is the authenticated sequence.
    const last = msg[msg.length - 1];
    if (msg.length >= 5 && isNumber(last)) {
      const seq = Number(last.lexeme);
      const prev = lastSeq.get(tradingAccountId);
      if (prev !== undefined && seq !== prev + 1) {
        o.log.warn({ tradingAccountId, expected: prev + 1, received: seq }, 'Bitfinex account stream sequence gap; reconnecting');
        lastSeq.delete(tradingAccountId);
        session.reconnect('authenticated sequence gap');
        return;
      }
      lastSeq.set(tradingAccountId, seq);
    }
    if (typeof msg[1] !== 'string') return;
    try {
      o.onMessage(tradingAccountId, msg[1], msg[2]);
    } catch (err) {
      o.log.warn({ tradingAccountId, type: msg[1], err: errorText(err) }, 'dropped a malformed Bitfinex account message');
    }
    return;
  }
  if (typeof msg !== 'object' || msg === null) return;
  const ev = msg as Record<string, unknown>;
  if (ev.event !== 'auth') return;
  if (ev.status === 'OK') return session.ready();
  const code = isNumber(ev.code) ? ev.code.lexeme : String(ev.code ?? '');
  session.refused(new VenueError(o.venue, 'rejected', `Bitfinex refused the authentication: ${code}: ${String(ev.msg ?? '')}`, { code }));
}
