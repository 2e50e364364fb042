/**
 * @module orders/record-then-call
 * The one order of events every order change follows (submit, cancel, restore): the database is ahead of the venue.
 */
import type { DomainContext } from '../context.ts';
import type { Venue } from '../ports/venue.ts';

/**
 * Records a change, then tells the venue. A venue whose orders live in this process (PAPER, MOCK) is called inside
 * the change's unit of work: what it reports synchronously (acceptance, fills) commits with the change, and events go
 * out after that commit. A networked venue is called once `flush()` has made the change durable, so it never sees an
 * order the database does not have. Throws what `record` throws (nothing was sent, memory undone); the returned
 * promise settles with the venue call, a synchronous throw included.
 */
export function recordThenCall(ctx: DomainContext, venue: Venue, record: () => void, call: () => Promise<void>): Promise<void> {
  const inProcess = venue.capabilities.ledger === 'domain';
  let sent: Promise<void> = Promise.resolve();
  ctx.unit.run(() => {
    record();
    if (!inProcess) return;
    try {
      sent = call();
    } catch (err) {
      sent = Promise.reject(err as Error);
    }
  });
  return inProcess ? sent : ctx.flush().then(() => call());
}
