/**
 * @module postgres/fill-memory
 * The (tradeOrderId, tradeId) pairs the PostgreSQL domain store answers `insertFill` from without asking the
 * database: fills of open orders (loaded at open) and every fill this process wrote. A closed order's fill keys are
 * kept an hour (late fills after a cancel are real); then only the database has them.
 */
import type { Order } from '@cadenza/domain';
import { TERMINAL_STATUSES } from '@cadenza/domain';

const FILL_MEMORY_MS = 3600_000;

export class FillMemory {
  private readonly fillKeys = new Map<string, Set<string>>();
  private readonly closedOrders: Array<[number, string]> = [];

  has(tradeOrderId: string, tradeId: string): boolean | undefined {
    return this.fillKeys.get(tradeOrderId)?.has(tradeId);
  }

  remember(tradeOrderId: string, tradeId: string): void {
    let set = this.fillKeys.get(tradeOrderId);
    if (!set) this.fillKeys.set(tradeOrderId, (set = new Set()));
    set.add(tradeId);
  }

  forget(tradeOrderId: string, tradeId: string): boolean | undefined {
    return this.fillKeys.get(tradeOrderId)?.delete(tradeId);
  }

  /** Starts the hour after which a closed order's fill keys are forgotten. */
  noteClosed(o: Order): void {
    if (TERMINAL_STATUSES.has(o.status) && this.fillKeys.has(o.tradeOrderId)) this.closedOrders.push([Date.now(), o.tradeOrderId]);
  }

  forgetClosedFills(): void {
    const cutoff = Date.now() - FILL_MEMORY_MS;
    while (this.closedOrders.length && this.closedOrders[0]![0] < cutoff) this.fillKeys.delete(this.closedOrders.shift()![1]);
  }
}
