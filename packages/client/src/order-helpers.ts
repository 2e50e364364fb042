/**
 * @module order-helpers
 * Order conveniences over the typed RPCs and the account channel.
 *
 * - `submit` always sends an `idempotencyKey` (a fresh UUID unless given), so retrying a submit whose reply was
 *   lost cannot create a second order: the server returns the original.
 * - `awaitClosed` resolves with the order once it is terminal. It listens on the account channel *before*
 *   reading the current state, so a fill between the two cannot be missed.
 */
import type { OrderSide, OrderStatus, OrderType, Received, RpcMethodName, RpcTradeOrder, RpcTradeOrderExtension } from '@cadenza/contract';
import { CadenzaError } from './errors.ts';
import type { AccountStream } from './account-stream.ts';
import type { RpcArgs, RpcData } from './rpc-types.ts';

/** What the helpers use of a client: its typed calls and its account streams (the client itself, in practice). */
export interface OrderHelpersHost {
  rpc<M extends RpcMethodName>(method: M, ...args: RpcArgs<M>): Promise<RpcData<M>>;
  account(tradingAccountId: string): AccountStream;
}

/** Statuses after which an order never changes again. */
export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'REPLACED', 'REVOKED']);

/** True once the order is in a terminal status. */
export function isOrderClosed(order: Pick<RpcTradeOrder, 'status'>): boolean {
  return order.status != null && TERMINAL_ORDER_STATUSES.has(order.status);
}

/**
 * An order to submit: the server fills ids, status and executions. It may carry the server's order extensions
 * (docs/extensions.md), e.g. `leverage` and `positionId` on a derivative.
 */
export type OrderDraft = RpcTradeOrder & RpcTradeOrderExtension & { instrumentId: string; orderSide: OrderSide; orderType: OrderType; quantity?: string };

/** Options of `submitOrder`. */
export interface SubmitOptions {
  /** Dedupe key per trading account; default a fresh UUID. */
  idempotencyKey?: string;
  /** Hold the reply until the order is terminal (server-side). */
  awaitClosed?: boolean;
}

/** `awaitClosed` ran out of time; `order` is the last state seen. */
export class OrderTimeoutError extends CadenzaError {
  override name = 'OrderTimeoutError';
  readonly order: Received.RpcTradeOrder | undefined;
  constructor(tradeOrderId: string, timeoutMs: number, order: Received.RpcTradeOrder | undefined) {
    super(`order ${tradeOrderId} still ${order?.status ?? 'unknown'} after ${timeoutMs} ms`, { temporary: true });
    this.order = order;
  }
}

/** Order conveniences bound to one client (also reachable as `client.submitOrder` etc.). */
export class OrderHelpers {
  constructor(private readonly client: OrderHelpersHost) {}

  /** Submits an order; returns the order as the server recorded it. */
  submit(tradingAccountId: string, order: OrderDraft, opts: SubmitOptions = {}): Promise<Received.RpcTradeOrder> {
    return this.client.rpc('command.trade_order.submit', {
      tradingAccountId,
      tradeOrder: order,
      idempotencyKey: opts.idempotencyKey ?? randomUuid(),
      ...(opts.awaitClosed !== undefined ? { awaitClosed: opts.awaitClosed } : {}),
    });
  }

  /** Cancels an open order by id; returns the order (CANCELLED, or PENDING_CANCEL on slow venues). */
  cancel(tradingAccountId: string, tradeOrderId: string): Promise<Received.RpcTradeOrder> {
    return this.client.rpc('command.trade_order.cancel', { tradingAccountId, tradeOrderId });
  }

  /** The current state of one order. */
  get(tradingAccountId: string, tradeOrderId: string): Promise<Received.RpcTradeOrder> {
    return this.client.rpc('query.trade_order.get', { tradingAccountId, tradeOrderId });
  }

  /** Resolves with the order once it is FILLED, CANCELLED, REJECTED or EXPIRED (or another terminal status). */
  async awaitClosed(tradingAccountId: string, tradeOrderId: string, opts: { timeoutMs?: number } = {}): Promise<Received.RpcTradeOrder> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const stream = this.client.account(tradingAccountId);
    let last: Received.RpcTradeOrder | undefined;
    try {
      return await new Promise<Received.RpcTradeOrder>((resolve, reject) => {
        const timer = setTimeout(() => reject(new OrderTimeoutError(tradeOrderId, timeoutMs, last)), timeoutMs);
        const settle = (order: Received.RpcTradeOrder) => {
          last = order;
          if (isOrderClosed(order)) {
            clearTimeout(timer);
            resolve(order);
          }
        };
        stream.onOrderUpdate((order) => {
          if (order.tradeOrderId === tradeOrderId) settle(order);
        });
        stream.ready
          .then(() => this.get(tradingAccountId, tradeOrderId))
          .then(settle, (err: unknown) => {
            clearTimeout(timer);
            reject(err);
          });
      });
    } finally {
      stream.close();
    }
  }
}

/** A v4 UUID; `crypto.randomUUID` is missing in browsers on plain-http pages, `getRandomValues` is not. */
export function randomUuid(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
