/**
 * @module okx/private-stream
 * The private WebSocket (`/ws/v5/private`) of each trading account, on the kit's account streams: OKX logs in per
 * connection, so every account gets its own socket, which sends `login` and, once OKX accepts it, subscribes
 * `orders` (instType SPOT) and `account`. The account is ready when OKX acknowledges the `orders` subscription.
 */
import { AccountStreams, type AccountSession } from '../kit/account-streams.ts';
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
}

export function okxPrivateStreams(o: OkxPrivateOptions): AccountStreams<OkxSigner> {
  return new AccountStreams<OkxSigner>({
    venue: o.venue,
    url: o.url,
    log: o.log,
    beforeConnect: o.beforeConnect,
    pingIntervalMs: o.pingIntervalMs,
    pingFrame: 'ping',
    idleTimeoutMs: o.idleTimeoutMs,
    reconnectDelayMs: o.reconnectDelayMs,
    greet: (_account, signer) => [loginFrame(signer, Math.floor(o.serverNow() / 1000))],
    onFrame: (account, text, session) => onFrame(o, account, text, session),
    onResubscribed: o.onResubscribed,
  });
}

function onFrame(o: OkxPrivateOptions, tradingAccountId: string, text: string, session: AccountSession): void {
  if (text === 'pong') return;
  let msg: { event?: unknown; code?: unknown; msg?: unknown; arg?: { channel?: unknown }; data?: unknown };
  try {
    msg = JSON.parse(text) as typeof msg;
  } catch {
    return;
  }
  const refusal = (what: string) => new VenueError(o.venue, 'rejected', `${what}: ${String(msg.code)}: ${String(msg.msg ?? '')}`, { code: String(msg.code) });
  switch (msg.event) {
    case 'login':
      if (msg.code === '0' || msg.code === 0) session.send({ op: 'subscribe', args: [{ channel: 'orders', instType: 'SPOT' }, { channel: 'account' }] });
      else session.refused(refusal('OKX login refused'));
      return;
    case 'error':
      o.log.warn({ tradingAccountId, code: msg.code, msg: msg.msg }, 'OKX private stream error');
      session.refused(refusal('OKX'));
      return;
    case 'subscribe':
      if (msg.arg?.channel === 'orders') session.ready();
      return;
    case undefined:
      break;
    default:
      return;
  }
  if (!Array.isArray(msg.data)) return;
  for (const row of msg.data) {
    try {
      if (msg.arg?.channel === 'orders') o.onOrder(tradingAccountId, row);
      else if (msg.arg?.channel === 'account') o.onAccount(tradingAccountId, row);
    } catch (err) {
      o.log.warn({ tradingAccountId, err: errorText(err) }, 'dropped a malformed OKX private push');
    }
  }
}
