/**
 * @module keys-per-owner
 * Ids by a key unique within an owner (a trading account's clientOrderId or idempotencyKey, a user's quoteRequestId):
 * one map per owner, so a look-up hashes the two strings it is given (each hashes once, then caches it) instead of
 * joining them anew. Used by orders/open-orders.ts and otc/quote-memory.ts.
 */
export class KeysPerOwner {
  private readonly owners = new Map<string, Map<string, string>>();

  get(owner: string, key: string): string | undefined {
    return this.owners.get(owner)?.get(key);
  }

  set(owner: string, key: string, id: string): void {
    let m = this.owners.get(owner);
    if (!m) this.owners.set(owner, (m = new Map()));
    m.set(key, id);
  }

  /** Drops `key` when it still names `id` (and the owner's map once empty). */
  forget(owner: string, key: string, id: string): void {
    const m = this.owners.get(owner);
    if (m?.get(key) !== id) return;
    m.delete(key);
    if (m.size === 0) this.owners.delete(owner);
  }
}
