/**
 * @module connection/subscriptions
 * A connection's subscriptions by channel, and which of them expire. The only place either is changed: expiry is
 * set and cleared with the subscription, so housekeeping can skip connections without expiring subscriptions and
 * never walks the ones that do not expire.
 *
 * Both maps are created on first use (most connections hold a few channels, many hold none that expire).
 */
import type { Subscription } from '../subscription.ts';

export class ConnectionSubscriptions {
  #byChannel: Map<string, Subscription> | undefined;
  /** channel → unix seconds when its subscription expires (only subscriptions that do). */
  #expiring: Map<string, number> | undefined;

  get size(): number {
    return this.#byChannel?.size ?? 0;
  }

  get(channel: string): Subscription | undefined {
    return this.#byChannel?.get(channel);
  }

  has(channel: string): boolean {
    return this.#byChannel?.has(channel) ?? false;
  }

  /** Whether the connection is subscribed to the channel and the subscription is live (not still subscribing). */
  isLive(channel: string): boolean {
    return this.#byChannel?.get(channel)?.live ?? false;
  }

  /** A snapshot of the subscribed channels. */
  channels(): string[] {
    return this.#byChannel ? [...this.#byChannel.keys()] : [];
  }

  add(channel: string, sub: Subscription): void {
    (this.#byChannel ??= new Map()).set(channel, sub);
  }

  /** Removes the channel's subscription (and its expiry) if it is `sub` (any, when not given); returns what it removed. */
  delete(channel: string, sub?: Subscription): Subscription | undefined {
    const found = this.#byChannel?.get(channel);
    if (!found || (sub !== undefined && found !== sub)) return undefined;
    this.#byChannel!.delete(channel);
    this.#expiring?.delete(channel);
    return found;
  }

  /** Sets when the channel's subscription expires (unix seconds; 0 = never). */
  setExpiry(channel: string, expireAt: number): void {
    if (expireAt > 0) (this.#expiring ??= new Map()).set(channel, expireAt);
    else this.#expiring?.delete(channel);
  }

  expiryOf(channel: string): number {
    return this.#expiring?.get(channel) ?? 0;
  }

  /** Whether any subscription expired more than `graceMs` before `nowMs`. */
  anyExpired(nowMs: number, graceMs: number): boolean {
    if (!this.#expiring || this.#expiring.size === 0) return false;
    for (const expireAt of this.#expiring.values()) if (nowMs > expireAt * 1000 + graceMs) return true;
    return false;
  }
}
