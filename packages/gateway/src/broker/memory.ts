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
import { HistoryRing } from './history-ring.ts';

interface Stream {
  epoch: string;
  offset: number;
  history: HistoryRing;
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
    const pub = this.#append(channel, data, options);
    return { offset: pub.offset, epoch: pub.epoch ?? '' };
  }

  publishNow(channel: string, data: RawJson, options: BrokerPublishOptions): void {
    this.#append(channel, data, options);
  }

  /** Appends to the channel's history (when it keeps one) and delivers; the publication as delivered. */
  #append(channel: string, data: RawJson, options: BrokerPublishOptions): BrokerPublication {
    let pub: BrokerPublication;
    if (options.historySize > 0 && options.historyTtlSeconds > 0) {
      const now = this.#now();
      const s = this.#stream(channel);
      s.history.trim(now);
      s.offset += 1;
      pub = { data, offset: s.offset, epoch: s.epoch };
      s.history.push(pub, now + options.historyTtlSeconds * 1000, options.historySize);
    } else pub = { data, offset: 0 };
    if (options.info) pub.info = options.info;
    if (options.tags) pub.tags = options.tags;
    this.#handler?.onPublication(channel, pub);
    return pub;
  }

  async publishJoin(channel: string, info: ClientInfo): Promise<void> {
    this.#handler?.onJoin(channel, info);
  }

  async publishLeave(channel: string, info: ClientInfo): Promise<void> {
    this.#handler?.onLeave(channel, info);
  }

  async history(channel: string, filter: HistoryFilter): Promise<HistoryResult> {
    const s = this.#stream(channel);
    s.history.trim(this.#now());
    const position = { offset: s.offset, epoch: s.epoch };
    if (filter.limit === 0) return { publications: [], position };
    let pubs = s.history.entries();
    if (filter.reverse) {
      const before = filter.since ? filter.since.offset : Number.POSITIVE_INFINITY;
      pubs = pubs.filter((p) => p.offset < before).reverse();
    } else {
      const after = filter.since ? filter.since.offset : 0;
      if (after !== 0) pubs = pubs.filter((p) => p.offset > after);
    }
    if (filter.limit > 0 && pubs.length > filter.limit) pubs = pubs.slice(0, filter.limit);
    return { publications: pubs, position };
  }

  async removeHistory(channel: string): Promise<void> {
    const s = this.#streams.get(channel);
    s?.history.clear();
  }

  #stream(channel: string): Stream {
    let s = this.#streams.get(channel);
    if (!s) {
      s = { epoch: randomBytes(6).toString('base64url'), offset: 0, history: new HistoryRing() };
      this.#streams.set(channel, s);
    }
    return s;
  }
}
