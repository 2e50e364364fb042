/**
 * @module deribit/account-sessions
 * One authenticated session (session.ts) per trading account, made on first use from the account's credential and
 * replaced when the credential names another client id; a session whose key Deribit refused is forgotten (the next
 * use makes a new one). A throwaway session checks a credential.
 */
import type { VenueAccount, VenueDeps } from '@cadenza/domain';
import { VenueError } from '../kit/venue-error.ts';
import type { CreditBuckets } from '../kit/credit-bucket.ts';
import type { DeribitVenueOptions } from './config.ts';
import { DeribitSession, type DeribitSessionOptions } from './session.ts';
import { createDeribitAuth, type DeribitAuth } from './signing.ts';

export interface DeribitSessionsOptions {
  venueId: string;
  wsUrl: string;
  credits: CreditBuckets;
  deps: Pick<VenueDeps, 'log' | 'clock'>;
  timings: Pick<DeribitVenueOptions, 'heartbeatSeconds' | 'idleTimeoutMs' | 'reconnectDelayMs' | 'requestTimeoutMs' | 'maxOrderWaitMs'>;
  /** A private notification of an account's session. */
  onNotification(tradingAccountId: string, channel: string, data: unknown): void;
  /** The account's session came back after a loss (Deribit does not replay what it pushed meanwhile). */
  onResubscribed(tradingAccountId: string): void;
  /** The account's session is authenticated and subscribed (first connect and every reconnect). */
  onReady(tradingAccountId: string): void;
}

export class DeribitSessions {
  private readonly sessions = new Map<string, DeribitSession>();

  constructor(private readonly o: DeribitSessionsOptions) {}

  /** The account's session (not started); throws when the account has no credential. */
  of(account: VenueAccount): DeribitSession {
    if (!account.credential) throw new VenueError(this.o.venueId, 'unsupported', 'this trading account has no Deribit API credential');
    const auth = createDeribitAuth(account.credential, this.o.venueId, () => this.o.deps.clock.now());
    const id = account.tradingAccountId;
    const existing = this.sessions.get(id);
    if (existing && existing.clientId === auth.clientId) return existing;
    existing?.stop();
    const s = this.create(id, auth, {
      onNotification: (channel, data) => this.o.onNotification(id, channel, data),
      onResubscribed: () => this.o.onResubscribed(id),
      onReady: () => this.o.onReady(id),
      onRefused: () => {
        if (this.sessions.get(id)?.clientId === auth.clientId) this.sessions.delete(id);
      },
    });
    this.sessions.set(id, s);
    return s;
  }

  /** The account's session, if it has one. */
  get(tradingAccountId: string): DeribitSession | undefined {
    return this.sessions.get(tradingAccountId);
  }

  /** A session of its own for checking a credential: the caller starts and stops it. */
  probe(auth: DeribitAuth): DeribitSession {
    return this.create('verify', auth, { onNotification: () => undefined, onResubscribed: () => undefined, onRefused: () => undefined });
  }

  stopAll(): void {
    for (const s of this.sessions.values()) s.stop();
    this.sessions.clear();
  }

  private create(tradingAccountId: string, auth: DeribitAuth, handlers: Pick<DeribitSessionOptions, 'onNotification' | 'onResubscribed' | 'onReady' | 'onRefused'>): DeribitSession {
    const t = this.o.timings;
    return new DeribitSession({
      venue: this.o.venueId,
      tradingAccountId,
      url: this.o.wsUrl,
      auth,
      credits: this.o.credits,
      log: this.o.deps.log,
      heartbeatSeconds: t.heartbeatSeconds ?? 30,
      idleTimeoutMs: t.idleTimeoutMs ?? 45_000,
      reconnectDelayMs: t.reconnectDelayMs ?? { min: 250, max: 30_000 },
      requestTimeoutMs: t.requestTimeoutMs ?? 10_000,
      maxOrderWaitMs: t.maxOrderWaitMs ?? 2000,
      ...handlers,
    });
  }
}
