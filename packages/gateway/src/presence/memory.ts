/**
 * @module presence/memory
 * Single-node presence kept in process memory.
 */
import type { ClientInfo } from '@cadenza/protocol';
import type { PresenceManager, PresenceStats } from './presence.ts';

export class MemoryPresenceManager implements PresenceManager {
  readonly #channels = new Map<string, Map<string, ClientInfo>>();

  async add(channel: string, clientId: string, info: ClientInfo): Promise<void> {
    let m = this.#channels.get(channel);
    if (!m) this.#channels.set(channel, (m = new Map()));
    m.set(clientId, info);
  }

  async remove(channel: string, clientId: string): Promise<void> {
    const m = this.#channels.get(channel);
    if (!m) return;
    m.delete(clientId);
    if (m.size === 0) this.#channels.delete(channel);
  }

  async presence(channel: string): Promise<Record<string, ClientInfo>> {
    const out: Record<string, ClientInfo> = {};
    for (const [id, info] of this.#channels.get(channel) ?? []) out[id] = info;
    return out;
  }

  async stats(channel: string): Promise<PresenceStats> {
    const m = this.#channels.get(channel);
    if (!m) return { numClients: 0, numUsers: 0 };
    const users = new Set<string>();
    for (const info of m.values()) users.add(info.user);
    return { numClients: m.size, numUsers: users.size };
  }
}
