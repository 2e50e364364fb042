/**
 * @module cluster/domain-seat
 * With several Cadenza servers on one PostgreSQL, the trading domain's write side — PAPER's books, the live venues'
 * user streams, the accounts, balances and open orders the domain decides on in memory — runs in exactly one of
 * them: the holder of the `domain` lease (PgLease). This is each server's seat at that table:
 *
 * - **Holder**: opens the domain store fenced with its lease epoch (an earlier holder's late writes are refused),
 *   starts the domain runtime — state loaded from the database, resting PAPER/MOCK orders put back into the books,
 *   open orders on live venues reconciled — and answers domain calls here.
 * - **Follower**: knows the holder's address from the lease row and forwards domain calls there (remote-domain.ts);
 *   it serves auth, REST and WebSocket connections itself.
 * - **Between holders** (seconds, during a fail-over): domain calls answer 10003, temporary; clients retry.
 *
 * A holder that learns another server took the lease (it was cut off from PostgreSQL for longer than the lease's
 * silence limit) stops: `onFatal`, and the process exits — its memory is no longer the truth, and its store's writes
 * are refused anyway. A closing holder stops its domain, commits, then gives the lease up so a follower takes over
 * at once.
 */
import type { Logger } from 'pino';
import { PgLease, PgStore, type LeaseState } from '@cadenza/store/postgres';
import type { DomainRuntime } from '../domain-runtime.ts';
import type { DomainAccess } from './domain-access.ts';
import { remoteDomain } from './remote-domain.ts';

export interface LeaseTimings {
  /** How often the holder probes its lease and a follower retries the lock. Default 1000 ms. */
  pollMs?: number;
  /** A holder silent this long loses the lease. Default 10,000 ms. */
  silenceMs?: number;
  /** A follower whose connection broke lets the holder reconnect first for this long. Default 3000 ms. */
  graceMs?: number;
}

export interface DomainSeatOptions {
  databaseUrl: string;
  /** CADENZA_PROXY_SECRET: followers forward with it; without it they cannot. */
  proxySecret?: string;
  /**
   * Whether the holder's publications reach this server's clients: a shared Redis (CADENZA_REDIS_URL) or a Centrifugo
   * cluster in front (CADENZA_CENTRIFUGO_API_URL). A follower without either says so: its clients would hear nothing.
   */
  channelsShared: boolean;
  /** Builds and starts the domain on the store this seat opened. */
  startRuntime(store: PgStore): Promise<DomainRuntime>;
  lease?: LeaseTimings;
  log: Logger;
  /** This server must stop (lease lost, or the domain would not start). */
  onFatal(err: Error): void;
}

export type SeatRole = 'holder' | 'follower' | 'electing';

export class DomainSeat {
  private runtime: DomainRuntime | undefined;
  private store: PgStore | undefined;
  private remoteAccess: { url: string; access: DomainAccess } | undefined;
  private starting: Promise<void> | undefined;
  private closing = false;
  private warnedNoSecret = false;
  private warnedUnshared = false;
  private comparedKeysWith: string | undefined;
  private lease: PgLease | undefined;
  private advertiseUrl = '';

  constructor(private readonly o: DomainSeatOptions) {}

  /**
   * Takes a seat, as `advertiseUrl` (where the other servers reach this one: CADENZA_ADVERTISE_URL): resolves once
   * this server holds the domain (started) or knows who does.
   */
  async start(advertiseUrl: string): Promise<void> {
    this.advertiseUrl = advertiseUrl;
    this.lease = await PgLease.open({
      url: this.o.databaseUrl,
      holder: advertiseUrl,
      log: this.o.log.child({ module: 'lease' }),
      ...this.o.lease,
      onChange: (s) => this.changed(s),
      onLost: (err) => this.lost(err),
    });
    const first = await this.lease.start();
    if (first.role === 'holder') await this.starting;
  }

  /** Whether the lease's connection reaches PostgreSQL (a follower's view of the database). */
  leaseReachable(): boolean {
    return this.lease?.reachable ?? false;
  }

  get role(): SeatRole {
    if (this.runtime) return 'holder';
    return this.remote() ? 'follower' : 'electing';
  }

  /** The domain, when it runs here. */
  local(): DomainRuntime | undefined {
    return this.runtime;
  }

  /** The holder's domain, when another server holds it. */
  remote(): DomainAccess | undefined {
    const s = this.lease?.state;
    if (s?.role !== 'waiting' || !s.current || s.current.holder === this.advertiseUrl) return undefined;
    if (!this.o.proxySecret) {
      if (!this.warnedNoSecret) this.o.log.error({ holder: s.current.holder }, 'another server holds the trading domain, and without CADENZA_PROXY_SECRET this one cannot forward to it: domain calls are refused here');
      this.warnedNoSecret = true;
      return undefined;
    }
    if (this.remoteAccess?.url !== s.current.holder) {
      this.remoteAccess = { url: s.current.holder, access: remoteDomain({ url: s.current.holder, secret: this.o.proxySecret, log: this.o.log.child({ module: 'forward' }) }) };
    }
    return this.remoteAccess.access;
  }

  /** The domain store, while this server holds the domain. */
  domainStore(): PgStore | undefined {
    return this.store;
  }

  /** The holder's address (this server's when it holds the domain). */
  holder(): string | undefined {
    const s = this.lease?.state;
    return s?.role === 'holder' ? this.advertiseUrl : s?.current?.holder;
  }

  /** Stops the domain here (committing what it wrote), then gives the lease up. */
  async close(): Promise<void> {
    this.closing = true;
    await this.starting?.catch(() => undefined);
    await this.stopRuntime();
    await this.lease?.close();
  }

  private changed(s: LeaseState): void {
    if (s.role === 'holder' && !this.runtime && !this.starting && !this.closing) {
      this.starting = this.take(s.epoch).finally(() => (this.starting = undefined));
    } else if (s.role === 'waiting' && s.current) {
      this.o.log.info({ holder: s.current.holder, epoch: s.current.epoch }, 'the trading domain is held by another server; forwarding domain calls there');
      if (this.comparedKeysWith !== s.current.holder && s.current.holder !== this.advertiseUrl) {
        this.comparedKeysWith = s.current.holder;
        void this.compareSigningKeys(s.current.holder);
      }
      if (!this.o.channelsShared && !this.warnedUnshared) {
        this.warnedUnshared = true;
        this.o.log.error({ holder: s.current.holder }, "another server holds the trading domain, and this one shares no channels with it: set CADENZA_REDIS_URL (the same Redis on every server) or CADENZA_CENTRIFUGO_API_URL, or the account events and market data it publishes never reach the clients connected here (docs/scale-out.md)");
      }
    }
  }

  private async take(epoch: number): Promise<void> {
    const log = this.o.log;
    log.info({ epoch }, 'took the domain lease: loading the trading domain');
    const t0 = Date.now();
    try {
      this.store = await PgStore.open({ url: this.o.databaseUrl, log: log.child({ module: 'store' }), fence: { lease: 'domain', epoch }, onFatal: (err) => this.o.onFatal(err) });
      this.runtime = await this.o.startRuntime(this.store);
      log.info({ epoch, ms: Date.now() - t0 }, 'holding the trading domain');
    } catch (err) {
      log.error({ err }, 'the trading domain did not start; giving the lease up');
      await this.stopRuntime().catch(() => undefined);
      await this.lease?.close().catch(() => undefined);
      this.o.onFatal(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * A follower compares its token signing keys (its JWKS) with the holder's, once per holder: servers that share no
   * key refuse each other's tokens — at random, wherever the balancer sends a request — so the operator hears of it
   * at once. Built-in auth only: with a Supabase project both publish no keys of their own.
   */
  private async compareSigningKeys(holder: string): Promise<void> {
    const kids = async (base: string): Promise<Set<string>> => {
      const res = await fetch(`${base}/auth/v1/.well-known/jwks.json`, { signal: AbortSignal.timeout(10_000) });
      const body = (await res.json()) as { keys?: Array<{ kid?: unknown }> };
      return new Set((body.keys ?? []).map((k) => k.kid).filter((k): k is string => typeof k === 'string'));
    };
    try {
      const [mine, theirs] = await Promise.all([kids(this.advertiseUrl), kids(holder)]);
      if (mine.size === 0 || theirs.size === 0 || [...mine].some((k) => theirs.has(k))) return;
      this.o.log.error(
        { holder, keys: [...mine], holderKeys: [...theirs] },
        "this server and the holder of the trading domain sign access tokens with different keys, so each refuses the other's tokens: give every server the same <data dir>/keys/ (docs/scale-out.md, \"Shared secrets\")",
      );
    } catch (err) {
      this.o.log.warn({ err, holder }, "could not compare this server's token signing keys with the holder's");
    }
  }

  private lost(err: Error): void {
    if (this.closing) return;
    this.o.onFatal(err);
  }

  private async stopRuntime(): Promise<void> {
    const runtime = this.runtime;
    const store = this.store;
    this.runtime = undefined;
    this.store = undefined;
    await runtime?.stop();
    await store?.close();
  }
}
