/**
 * @module recovery
 * Stream recovery as pure functions (Centrifugo's stream mode).
 *
 * `recoverStream` decides, from what the client last saw and what history holds after that, whether the client can
 * catch up: it can when the epoch matches and history holds every publication from `offset + 1` to the top. Then the
 * reply carries those publications and the client's own offset (the client advances as it processes them);
 * otherwise no publications and the current top.
 *
 * `mergeBuffered` joins the publications that arrived live while the subscribe reply was being built: everything
 * after the last offset the reply accounted for, in order, each exactly once. A hole means a publication was lost
 * between the history read and live delivery; the caller then disconnects with 3010 insufficient state.
 */
import type { BrokerPublication, StreamPosition } from './broker/broker.ts';

export interface RecoveryInput {
  /** The position the client sent (`offset`, `epoch`; '' when it sent none). */
  requested: StreamPosition;
  /** History read with `since: requested` and a limit of `maxPublications + 1`. */
  publications: readonly BrokerPublication[];
  /** The stream's top when history was read. */
  top: StreamPosition;
  maxPublications: number;
}

export interface RecoveryOutcome {
  recovered: boolean;
  /** The missed publications, in offset order (empty when not recovered). */
  publications: BrokerPublication[];
  /** The offset to put in the subscribe result. */
  offset: number;
  epoch: string;
  /** The newest offset the reply accounts for: live publications at or below it are not delivered again. */
  upTo: number;
}

export function recoverStream(input: RecoveryInput): RecoveryOutcome {
  const { requested, publications: pubs, top } = input;
  const notRecovered: RecoveryOutcome = { recovered: false, publications: [], offset: top.offset, epoch: top.epoch, upTo: top.offset };
  if (requested.epoch !== '' && requested.epoch !== top.epoch) return notRecovered;
  if (pubs.length > input.maxPublications) return notRecovered;
  if (pubs.length === 0) {
    return requested.offset === top.offset
      ? { recovered: true, publications: [], offset: requested.offset, epoch: top.epoch, upTo: top.offset }
      : notRecovered;
  }
  const first = pubs[0]!;
  const last = pubs[pubs.length - 1]!;
  if (first.offset !== requested.offset + 1 || last.offset !== top.offset) return notRecovered;
  for (let i = 1; i < pubs.length; i++) if (pubs[i]!.offset !== pubs[i - 1]!.offset + 1) return notRecovered;
  return { recovered: true, publications: pubs.slice(), offset: requested.offset, epoch: top.epoch, upTo: top.offset };
}

export interface MergeOutcome {
  /** Publications to deliver after the reply, in order. */
  deliver: BrokerPublication[];
  /** True when an offset is missing between `upTo` and the buffered publications. */
  gap: boolean;
}

/**
 * Picks the buffered live publications to deliver after a reply that accounted for offsets up to `upTo`.
 * Publications without an offset (channels without history) are always delivered.
 */
export function mergeBuffered(upTo: number, buffered: readonly BrokerPublication[]): MergeOutcome {
  const deliver: BrokerPublication[] = [];
  let expected = upTo + 1;
  for (const p of buffered) {
    if (p.offset === 0) {
      deliver.push(p);
      continue;
    }
    if (p.offset < expected) continue;
    if (p.offset > expected) return { deliver, gap: true };
    deliver.push(p);
    expected++;
  }
  return { deliver, gap: false };
}
