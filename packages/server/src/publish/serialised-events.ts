/**
 * @module publish/serialised-events
 * The domain's event sink: each event serialised once, however many channels it goes to — and for the RPC answer
 * that returns the event's own data.
 *
 * The domain hands one event meant for several readers (a quote, on its trader's and its dealer's channel) as the same
 * object, one channel after the other, and never changes it once published (`EventSink`). So the last event is
 * handed on as one `RawJson` while the same object comes again: the gateway and the Centrifugo publisher send its text
 * as it is, and the channels' histories share it. It is serialised when its text is first read (`RawJson.later`): by
 * the gateway for a channel someone on this node is subscribed to, by the Centrifugo publisher at once, and for a
 * channel no one receives only if its history is read — most of a desk's events (every trading account's channel)
 * go to channels no client is subscribed to, kept for recovery.
 *
 * An RPC may answer the very object its event just carried (an RFQ answers the `Quote` its `event.quote.updated`
 * pushed): `serialisedData` finds that object among the latest events and answers its text, cut out of the event's
 * (`{"type":…,"data":<its text>,"timestamp":…}`), so the answer (gateway-app.ts) does not serialise it again.
 */
import { RawJson } from '@cadenza/gateway';
import type { EventSink } from '@cadenza/domain';

/**
 * The latest events of the process and their texts, newest at `next - 1`: an answer is sent just after its own
 * events (its call waits for nothing but the commit), so it finds them among the few latest; one that does not is
 * serialised as usual.
 */
const RECENT = 16;
const recent: Array<{ type: string; data: unknown; timestamp: number } | undefined> = new Array(RECENT).fill(undefined);
const recentTexts: Array<RawJson | undefined> = new Array<RawJson | undefined>(RECENT).fill(undefined);
let next = 0;

/** `JSON.stringify(value)`, when `value` is the data of one of the latest events; undefined otherwise. */
export function serialisedData(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (let i = 1; i <= RECENT; i++) {
    const k = (next - i + RECENT) % RECENT;
    const event = recent[k];
    if (event === undefined) return undefined;
    if (event.data === value) return dataText(event, recentTexts[k]!.text);
  }
  return undefined;
}

/** The data's text inside the event's, checked to sit where `JSON.stringify` of `{type, data, timestamp}` puts it. */
function dataText(event: { type: string; timestamp: number }, text: string): string | undefined {
  const head = `{"type":${JSON.stringify(event.type)},"data":`;
  const tail = `,"timestamp":${JSON.stringify(event.timestamp)}}`;
  return text.length > head.length + tail.length && text.startsWith(head) && text.endsWith(tail) ? text.slice(head.length, text.length - tail.length) : undefined;
}

export function serialisedEvents(publish: (channel: string, data: RawJson) => void): EventSink {
  let last: unknown;
  let text = new RawJson('null');
  return {
    publish(channel, event) {
      if (event !== last) {
        text = RawJson.later(event);
        last = event;
        recent[next] = event;
        recentTexts[next] = text;
        next = (next + 1) % RECENT;
      }
      publish(channel, text);
    },
  };
}
