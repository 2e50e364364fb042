/**
 * @module orders/status-machine
 * The order lifecycle as one transition table: (status, event) → next status. Pairs not listed are illegal
 * and `transition` refuses them; an order's status changes only through this function.
 *
 *   CREATED ──SUBMIT──► SUBMITTED ──ACCEPT──► ACCEPTED ──PARTIAL_FILL──► PARTIALLY_FILLED ──FILL──► FILLED
 *      │                  │  │                   │  │                         │
 *      └─REJECT/CANCEL    │  └─REJECT            │  └─CANCEL_REQUEST──► PENDING_CANCEL ──CANCEL──► CANCELLED
 *                         └─(fills, cancel, expire may come before the venue's ack)      └─CANCEL_REJECTED*─► back
 *
 * Terminal: FILLED, CANCELLED, REJECTED, EXPIRED (and REPLACED, REVOKED, which no venue produces yet).
 */
import type { OrderStatus } from '@cadenza/contract';

export type OrderEventKind =
  | 'SUBMIT'
  | 'ACCEPT'
  | 'PARTIAL_FILL'
  | 'FILL'
  | 'CANCEL_REQUEST'
  /** The venue refused the cancel and the order had no fill yet. */
  | 'CANCEL_REJECTED'
  /** The venue refused the cancel and the order is partly filled. */
  | 'CANCEL_REJECTED_AFTER_FILL'
  | 'CANCEL'
  | 'REJECT'
  | 'EXPIRE';

type Table = Partial<Record<OrderStatus, Partial<Record<OrderEventKind, OrderStatus>>>>;

const table: Table = {
  CREATED: { SUBMIT: 'SUBMITTED', REJECT: 'REJECTED', CANCEL: 'CANCELLED' },
  // Fills, cancels and expiries may arrive before the venue's acknowledgement (e.g. an IOC that trades at once).
  SUBMITTED: {
    ACCEPT: 'ACCEPTED',
    REJECT: 'REJECTED',
    PARTIAL_FILL: 'PARTIALLY_FILLED',
    FILL: 'FILLED',
    CANCEL_REQUEST: 'PENDING_CANCEL',
    CANCEL: 'CANCELLED',
    EXPIRE: 'EXPIRED',
  },
  ACCEPTED: {
    PARTIAL_FILL: 'PARTIALLY_FILLED',
    FILL: 'FILLED',
    CANCEL_REQUEST: 'PENDING_CANCEL',
    CANCEL: 'CANCELLED',
    EXPIRE: 'EXPIRED',
  },
  PARTIALLY_FILLED: {
    PARTIAL_FILL: 'PARTIALLY_FILLED',
    FILL: 'FILLED',
    CANCEL_REQUEST: 'PENDING_CANCEL',
    CANCEL: 'CANCELLED',
    EXPIRE: 'EXPIRED',
  },
  // A fill can race the cancel: it is recorded and the order stays pending until the venue answers.
  PENDING_CANCEL: {
    PARTIAL_FILL: 'PENDING_CANCEL',
    FILL: 'FILLED',
    CANCEL: 'CANCELLED',
    EXPIRE: 'EXPIRED',
    CANCEL_REJECTED: 'ACCEPTED',
    CANCEL_REJECTED_AFTER_FILL: 'PARTIALLY_FILLED',
  },
  // A real-world case: the venue reports a fill that happened before its cancel confirmation was processed.
  // The fill is booked; a partial one leaves the order cancelled, a completing one makes it FILLED.
  CANCELLED: { PARTIAL_FILL: 'CANCELLED', FILL: 'FILLED' },
};

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'FILLED',
  'CANCELLED',
  'REJECTED',
  'EXPIRED',
  'REPLACED',
  'REVOKED',
]);

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export type TransitionResult = { ok: true; status: OrderStatus } | { ok: false; from: OrderStatus; event: OrderEventKind };

/** The next status, or a refusal for an unlisted pair. Pure. */
export function transition(from: OrderStatus, event: OrderEventKind): TransitionResult {
  const to = table[from]?.[event];
  return to === undefined ? { ok: false, from, event } : { ok: true, status: to };
}

/** Every legal (from, event, to) triple, for tests and docs. */
export function legalTransitions(): Array<{ from: OrderStatus; event: OrderEventKind; to: OrderStatus }> {
  const out: Array<{ from: OrderStatus; event: OrderEventKind; to: OrderStatus }> = [];
  for (const [from, row] of Object.entries(table)) {
    for (const [event, to] of Object.entries(row ?? {})) out.push({ from: from as OrderStatus, event: event as OrderEventKind, to: to as OrderStatus });
  }
  return out;
}
