/**
 * @module presence
 * The presence port: who is subscribed to a channel, across all nodes. Entries are keyed by client id; one user
 * may hold several. Implementations pass `runPresenceContract` (../contracts.ts).
 */
import type { ClientInfo } from '@cadenza/protocol';

export interface PresenceStats {
  numClients: number;
  numUsers: number;
}

export interface PresenceManager {
  /** Adds or replaces the client's entry in the channel. */
  add(channel: string, clientId: string, info: ClientInfo): Promise<void>;
  /** Removes the client's entry; removing an absent entry is not an error. */
  remove(channel: string, clientId: string): Promise<void>;
  /** Client id → info of everyone present. */
  presence(channel: string): Promise<Record<string, ClientInfo>>;
  /** Counts: clients, and distinct users among them. */
  stats(channel: string): Promise<PresenceStats>;
}
