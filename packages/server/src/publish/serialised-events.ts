/**
 * @module publish/serialised-events
 * The domain's event sink: each event serialised once, however many channels it goes to.
 *
 * The domain hands one event meant for several readers (a quote, on its trader's and its dealer's channel) as the same
 * object, one channel after the other, and never changes it once published (`EventSink`). So the text of the last
 * event is kept and handed on as a `RawJson` while the same object comes again: the gateway and the Centrifugo
 * publisher send that text as it is, and the channels' histories share it.
 */
import { RawJson } from '@cadenza/gateway';
import type { EventSink } from '@cadenza/domain';

export function serialisedEvents(publish: (channel: string, data: RawJson) => void): EventSink {
  let last: unknown;
  let text = new RawJson('null');
  return {
    publish(channel, event) {
      if (event !== last) {
        text = RawJson.of(event);
        last = event;
      }
      publish(channel, text);
    },
  };
}
