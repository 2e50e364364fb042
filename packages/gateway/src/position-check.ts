/**
 * @module position-check
 * The periodic half of positioning (Centrifugo's `channel_position_check_delay`). A lost publication is noticed at
 * the next one that arrives (core.ts); a loss at the very end of a stream has no next one. So every `positionCheckMs`
 * the node reads the top of each channel that has positioned subscribers, and a subscriber that has still not
 * reached the top read one check earlier — a whole interval to arrive — or holds another epoch is sent to recover.
 * The interval is kept on the node's clock (`now`, which tests may move by hand), polled at most a second apart.
 */
import type { StreamPosition } from './broker/broker.ts';
import type { Core } from './core.ts';

export class PositionCheck {
  readonly #timer: NodeJS.Timeout | undefined;
  /** Each checked channel's top at the previous check. */
  readonly #previous = new Map<string, StreamPosition>();
  #running = false;
  #nextAt = 0;

  constructor(readonly core: Core) {
    const every = core.positionCheckMs;
    if (every > 0) {
      this.#nextAt = core.now() + every;
      this.#timer = setInterval(() => {
        if (core.now() < this.#nextAt) return;
        this.#nextAt = core.now() + every;
        void this.check();
      }, Math.min(every, 1000));
      this.#timer.unref();
    }
  }

  /** One pass over the channels (also callable directly, e.g. by tests). */
  async check(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const hub = this.core.hub;
      for (const channel of hub.channels()) {
        if (hub.positionedSubscribers(channel).length === 0) {
          this.#previous.delete(channel);
          continue;
        }
        let top: StreamPosition;
        try {
          top = (await this.core.broker.history(channel, { limit: 0 })).position;
        } catch (err) {
          this.core.log.warn({ err, channel }, 'position check: the stream top could not be read');
          continue;
        }
        const before = this.#previous.get(channel);
        this.#previous.set(channel, top);
        if (!before) continue;
        const behind = hub.positionedSubscribers(channel).filter(
          ([, sub]) => (sub.epoch !== '' && sub.epoch !== top.epoch) || (sub.epoch === before.epoch && sub.offset < before.offset),
        );
        if (behind.length > 0) this.core.sendToRecover(channel, behind.map(([conn]) => conn));
      }
      for (const channel of this.#previous.keys()) if (!hub.hasChannel(channel)) this.#previous.delete(channel);
    } finally {
      this.#running = false;
      this.core.countPositionCheck();
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

}
