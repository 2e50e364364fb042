/**
 * @module publish/serialised-events
 * The domain's event sink: each event serialised once, however many channels it goes to — and its `data` once for
 * the event and the RPC answer that returns the same object.
 *
 * The domain hands one event meant for several readers (a quote, on its trader's and its dealer's channel) as the same
 * object, one channel after the other, and never changes it once published (`EventSink`). So the text of the last
 * event is kept and handed on as a `RawJson` while the same object comes again: the gateway and the Centrifugo
 * publisher send that text as it is, and the channels' histories share it.
 *
 * An RPC may answer the very object it just pushed (an RFQ answers the `Quote` its `event.quote.updated` carried):
 * the text of each event's `data` is remembered by its object for as long as that object lives (a WeakMap), and
 * `serialisedData` hands it to the answer (gateway-app.ts) instead of serialising the object a second time.
 */
import { RawJson } from '@cadenza/gateway';
import type { EventSink } from '@cadenza/domain';

/** The JSON text of objects published as an event's `data` (one map for the process: a text depends only on its object). */
const dataTexts = new WeakMap<object, string>();

/** The text `JSON.stringify(value)` gives, when `value` was published as an event's `data`. */
export function serialisedData(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? dataTexts.get(value) : undefined;
}

export function serialisedEvents(publish: (channel: string, data: RawJson) => void): EventSink {
  let last: unknown;
  let text = new RawJson('null');
  return {
    publish(channel, event) {
      if (event !== last) {
        text = serialise(event);
        last = event;
      }
      publish(channel, text);
    },
  };
}

/** `JSON.stringify(event)` — an event is `{type, data, timestamp}` in that order — with its data's text remembered. */
function serialise(event: { type: string; data: unknown; timestamp: number }): RawJson {
  const data = event.data;
  if (typeof data !== 'object' || data === null) return RawJson.of(event);
  const dataText = JSON.stringify(data);
  dataTexts.set(data, dataText);
  return new RawJson(`{"type":${JSON.stringify(event.type)},"data":${dataText},"timestamp":${JSON.stringify(event.timestamp)}}`);
}
