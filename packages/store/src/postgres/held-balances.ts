/**
 * @module postgres/held-balances
 * Balances held until their write-behind batch commits (write-units.ts, write-behind.ts): one per account and asset,
 * latest state; replacing an account's balances voids what was held for it before.
 */
import type { Balance } from '@cadenza/domain';

/** One held balance per account and asset. */
export const balanceKey = (tradingAccountId: string, asset: string) => `${tradingAccountId}\u0000${asset}`;

/** Drops from `held` the balances of the `cleared` accounts. */
export function dropCleared(held: Map<string, Balance>, cleared: ReadonlySet<string>): void {
  if (cleared.size === 0) return;
  for (const [k, b] of held) if (cleared.has(b.tradingAccountId)) held.delete(k);
}
