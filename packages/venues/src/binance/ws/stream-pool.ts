/**
 * @module binance/ws/stream-pool
 * Spreads market streams over as many combined-stream sockets as needed. Binance allows 1024 streams per
 * connection, and the initial `?streams=` list travels in the URL, so each socket carries at most
 * `maxStreamsPerConnection` (default 200). A stream stays on the socket it was given; a socket whose streams
 * are all removed closes. Status changes name the streams they affect.
 */
import { BinanceStreamClient, type StreamClientOptions } from './stream-client.ts';

export interface StreamPoolOptions extends Omit<StreamClientOptions, 'onStatus'> {
  onStatus(status: 'up' | 'down', reason: string, streams: ReadonlySet<string>): void;
  maxStreamsPerConnection?: number;
}

interface Member {
  readonly client: BinanceStreamClient;
}

export class BinanceStreamPool {
  private readonly members: Member[] = [];
  private readonly owner = new Map<string, Member>();
  private readonly capacity: number;

  constructor(private readonly options: StreamPoolOptions) {
    this.capacity = Math.max(1, Math.min(1024, options.maxStreamsPerConnection ?? 200));
  }

  /** Every stream currently wanted, across sockets. */
  get streams(): ReadonlySet<string> {
    return new Set(this.owner.keys());
  }

  /** Sockets that currently carry at least one stream. */
  get connectionCount(): number {
    return this.members.filter((m) => m.client.streams.size > 0).length;
  }

  add(streams: readonly string[]): void {
    const byMember = new Map<Member, string[]>();
    for (const s of streams) {
      if (this.owner.has(s)) continue;
      const m = this.memberWithRoom(byMember);
      this.owner.set(s, m);
      const list = byMember.get(m) ?? [];
      list.push(s);
      byMember.set(m, list);
    }
    for (const [m, list] of byMember) m.client.add(list);
  }

  remove(streams: readonly string[]): void {
    const byMember = new Map<Member, string[]>();
    for (const s of streams) {
      const m = this.owner.get(s);
      if (!m) continue;
      this.owner.delete(s);
      const list = byMember.get(m) ?? [];
      list.push(s);
      byMember.set(m, list);
    }
    for (const [m, list] of byMember) m.client.remove(list);
  }

  close(): void {
    for (const m of this.members) m.client.close();
    this.members.length = 0;
    this.owner.clear();
  }

  private memberWithRoom(pending: Map<Member, string[]>): Member {
    const load = (m: Member) => m.client.streams.size + (pending.get(m)?.length ?? 0);
    const found = this.members.find((m) => load(m) < this.capacity);
    if (found) return found;
    const member: Member = {
      client: new BinanceStreamClient({
        ...this.options,
        onStatus: (status, reason) => this.options.onStatus(status, reason, new Set(member.client.streams)),
      }),
    };
    this.members.push(member);
    return member;
  }
}
