/**
 * @module broker/memory
 * A single-node Broker kept in process memory. Epochs are random per stream, so a restart starts new epochs and
 * clients see their old positions as unrecoverable, which is the truth.
 */
import { randomBytes } from 'node:crypto';
import type { ClientInfo, RawJson } from '@cadenza/protocol';
import type {
  Broker,
  BrokerEventHandler,
  BrokerPublication,
  BrokerPublishOptions,
  HistoryFilter,
  HistoryResult,
  StreamPosition,
} from './broker.ts';

interface Stream {
  epoch: string;
  offset: number;
  pubs: BrokerPublication[];
  /** Unix ms after which the matching entry of `pubs` is gone. */
  expires: number[];
}

export interface MemoryBrokerOptions {
  /** Clock in unix ms (tests pass a fake). */
  now?: () => number;
}

export class MemoryBroker implements Broker {
  #handler: BrokerEventHandler | undefined;
  readonly #streams = new Map<string, Stream>();
  readonly #now: () => number;

  constructor(options: MemoryBrokerOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async run(handler: BrokerEventHandler): Promise<void> {
    this.#handler = handler;
  }

  // One process is the only node: every local subscriber already gets every publication.
  async subscribe(_channel: string): Promise<void> {}
  async unsubscribe(_channel: string): Promise<void> {}

  async publish(channel: string, data: RawJson, options: BrokerPublishOptions): Promise<StreamPosition> {
    const now = this.#now();
    const pub: BrokerPublication = { data, offset: 0, time: now };
    if (options.info) pub.info = options.info;
    if (options.tags) pub.tags = options.tags;
    let position: StreamPosition = { offset: 0, epoch: '' };
    if (options.historySize > 0 && options.historyTtlSeconds > 0) {
      const s = this.#stream(channel);
      this.#trim(s, now);
      s.offset += 1;
      pub.offset = s.offset;
      pub.epoch = s.epoch;
      s.pubs.push(pub);
      s.expires.push(now + options.historyTtlSeconds * 1000);
      if (s.pubs.length > options.historySize) {
        const drop = s.pubs.length - options.historySize;
        s.pubs.splice(0, drop);
        s.expires.splice(0, drop);
      }
      position = { offset: s.offset, epoch: s.epoch };
    }
    this.#handler?.onPublication(channel, pub);
    return position;
  }

  async publishJoin(channel: string, info: ClientInfo): Promise<void> {
    this.#handler?.onJoin(channel, info);
  }

  async publishLeave(channel: string, info: ClientInfo): Promise<void> {
    this.#handler?.onLeave(channel, info);
  }

  async history(channel: string, filter: HistoryFilter): Promise<HistoryResult> {
    const s = this.#stream(channel);
    this.#trim(s, this.#now());
    const position = { offset: s.offset, epoch: s.epoch };
    if (filter.limit === 0) return { publications: [], position };
    let pubs: BrokerPublication[];
    if (filter.reverse) {
      const before = filter.since ? filter.since.offset : Number.POSITIVE_INFINITY;
      pubs = s.pubs.filter((p) => p.offset < before).reverse();
    } else {
      const after = filter.since ? filter.since.offset : 0;
      pubs = after === 0 ? s.pubs.slice() : s.pubs.filter((p) => p.offset > after);
    }
    if (filter.limit > 0 && pubs.length > filter.limit) pubs = pubs.slice(0, filter.limit);
    return { publications: pubs, position };
  }

  async removeHistory(channel: string): Promise<void> {
    const s = this.#streams.get(channel);
    if (s) {
      s.pubs = [];
      s.expires = [];
    }
  }

  #stream(channel: string): Stream {
    let s = this.#streams.get(channel);
    if (!s) {
      s = { epoch: randomBytes(6).toString('base64url'), offset: 0, pubs: [], expires: [] };
      this.#streams.set(channel, s);
    }
    return s;
  }

  #trim(s: Stream, now: number): void {
    let n = 0;
    while (n < s.expires.length && s.expires[n]! <= now) n++;
    if (n > 0) {
      s.pubs.splice(0, n);
      s.expires.splice(0, n);
    }
  }
}
