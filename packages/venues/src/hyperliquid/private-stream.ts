/**
 * @module hyperliquid/private-stream
 * One WebSocket per trading account carrying Hyperliquid's user subscriptions for the master address: `orderUpdates`
 * (every status change of the account's orders) and `userFills` (its fills; the first message after subscribing is
 * a snapshot of recent fills, `isSnapshot: true`, which is how fills made while we were away arrive). Hyperliquid's
 * user streams need no login — the address is public; what is private is the key that signs actions, which never
 * goes near this socket. The account is ready once `userFills` is acknowledged (`subscriptionResponse`): both
 * subscriptions are sent in order, so `orderUpdates` is live by then too. After a reconnect the venue reconciles
 * (kit/account-streams.ts: `onResubscribed`).
 */
import { AccountStreams } from '../kit/account-streams.ts';
import { VenueError } from '../kit/venue-error.ts';

export interface StreamKey {
  /** `user` (the address the streams are for); a new address re-subscribes. */
  readonly apiKey: string;
}

export interface HyperliquidPrivateOptions {
  venue: string;
  url: string;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  beforeConnect(): Promise<unknown>;
  pingIntervalMs: number;
  idleTimeoutMs: number;
  reconnectDelayMs: { min: number; max: number };
  requestTimeoutMs: number;
  onOrderUpdates(tradingAccountId: string, data: unknown): void;
  onUserFills(tradingAccountId: string, data: unknown): void;
  onResubscribed(tradingAccountId: string): void;
}

export function hyperliquidPrivateStreams(o: HyperliquidPrivateOptions): AccountStreams<StreamKey> {
  return new AccountStreams<StreamKey>({
    venue: o.venue,
    url: o.url,
    log: o.log,
    beforeConnect: o.beforeConnect,
    pingIntervalMs: o.pingIntervalMs,
    pingFrame: JSON.stringify({ method: 'ping' }),
    idleTimeoutMs: o.idleTimeoutMs,
    reconnectDelayMs: o.reconnectDelayMs,
    requestTimeoutMs: o.requestTimeoutMs,
    greet: (_id, key) => [
      { method: 'subscribe', subscription: { type: 'orderUpdates', user: key.apiKey } },
      { method: 'subscribe', subscription: { type: 'userFills', user: key.apiKey } },
    ],
    onFrame: (tradingAccountId, text, session) => {
      let msg: { channel?: unknown; data?: unknown };
      try {
        msg = JSON.parse(text) as { channel?: unknown; data?: unknown };
      } catch {
        return;
      }
      if (typeof msg !== 'object' || msg === null) return;
      try {
        switch (msg.channel) {
          case 'subscriptionResponse': {
            const sub = (msg.data as { subscription?: { type?: unknown } } | undefined)?.subscription;
            if (sub?.type === 'userFills') session.ready();
            return;
          }
          case 'orderUpdates':
            return o.onOrderUpdates(tradingAccountId, msg.data);
          case 'userFills':
            return o.onUserFills(tradingAccountId, msg.data);
          case 'error':
            session.refused(new VenueError(o.venue, 'rejected', `Hyperliquid refused the account subscription: ${String(msg.data).slice(0, 200)}`));
            return;
        }
      } catch (err) {
        o.log.warn({ tradingAccountId, channel: String(msg.channel), err: err instanceof Error ? err.message : String(err) }, 'dropped a malformed Hyperliquid account message');
      }
    },
    onResubscribed: o.onResubscribed,
  });
}
