/**
 * @module publication
 * A broker publication as both codecs put it in a push, a history reply or a recovery.
 */
import type { Publication } from '@cadenza/protocol';
import type { BrokerPublication } from './broker/broker.ts';

export function toWirePublication(pub: BrokerPublication): Publication {
  const out: Publication = { data: pub.data };
  if (pub.info) out.info = pub.info;
  if (pub.offset > 0) out.offset = pub.offset;
  if (pub.tags) out.tags = pub.tags;
  return out;
}
