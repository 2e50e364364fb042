/**
 * @module hub
 * This node's indexes: channel → subscribed clients (the fan-out list), user → connections, and every open socket.
 */
import type { Connection } from './connection/connection.ts';
import type { Subscription } from './subscription.ts';

export class Hub {
  /** channel → client → subscription. Iterated on every publication. */
  readonly channels = new Map<string, Map<Connection, Subscription>>();
  /** user id → connected clients. */
  readonly users = new Map<string, Set<Connection>>();
  /** Every accepted socket, connected or not (housekeeping walks it). */
  readonly sockets = new Set<Connection>();
  /** Clients that completed connect. */
  connected = 0;
  subscriptions = 0;

  /** Adds a subscriber; true when it is the channel's first on this node. */
  subscribe(channel: string, client: Connection, sub: Subscription): boolean {
    let subs = this.channels.get(channel);
    const first = !subs;
    if (!subs) this.channels.set(channel, (subs = new Map()));
    if (!subs.has(client)) this.subscriptions++;
    subs.set(client, sub);
    return first;
  }

  /** Removes a subscriber; true when the channel has no subscriber left on this node. */
  unsubscribe(channel: string, client: Connection): boolean {
    const subs = this.channels.get(channel);
    if (!subs || !subs.delete(client)) return false;
    this.subscriptions--;
    if (subs.size > 0) return false;
    this.channels.delete(channel);
    return true;
  }

  addUser(client: Connection): void {
    const user = client.identity.userId;
    let set = this.users.get(user);
    if (!set) this.users.set(user, (set = new Set()));
    set.add(client);
    this.connected++;
  }

  removeUser(client: Connection): void {
    const user = client.identity.userId;
    const set = this.users.get(user);
    if (!set || !set.delete(client)) return;
    this.connected--;
    if (set.size === 0) this.users.delete(user);
  }

  clientsOf(userId: string): Connection[] {
    return [...(this.users.get(userId) ?? [])];
  }
}
