/**
 * @module position-check
 * The periodic half of positioning (Centrifugo's `channel_position_check_delay`). A lost publication is noticed at
 * the next one that arrives (core.ts); a loss at the very end of a stream has no next one. So every `positionCheckMs`
 * the node reads the top of each channel that has positioned subscribers, and a subscriber that has still not
 * reached the top read one check earlier — a whole interval to arrive — or holds another epoch is sent to recover.
 */
import type { StreamPosition } from './broker/broker.ts';
import type { Core } from './core.ts';

export class PositionCheck {
  readonly #timer: NodeJS.Timeout | undefined;
  /** Each checked channel's top at the previous check. */
  readonly #previous = new Map<string, StreamPosition>();
  #running = false;

  constructor(readonly core: Core) {
    if (core.positionCheckMs > 0) {
      this.#timer = setInterval(() => void this.check(), core.positionCheckMs);
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
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

}
