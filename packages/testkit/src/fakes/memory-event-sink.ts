/**
 * @module fakes/memory-event-sink
 * Records every published event, per channel, for assertions.
 */
import type { AccountEvent } from '@cadenza/contract';
import type { EventSink } from '@cadenza/domain';

export class MemoryEventSink implements EventSink {
  readonly events: Array<{ channel: string; event: AccountEvent }> = [];
  publish(channel: string, event: AccountEvent): void {
    this.events.push({ channel, event: JSON.parse(JSON.stringify(event)) as AccountEvent });
  }
  on(channel: string, type?: string): AccountEvent[] {
    return this.events.filter((e) => e.channel === channel && (type === undefined || e.event.type === type)).map((e) => e.event);
  }
  clear(): void {
    this.events.length = 0;
  }
}
