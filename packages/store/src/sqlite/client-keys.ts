/**
 * @module sqlite/client-keys
 * Keys a client chooses that are unique within an owner — a trading account's clientOrderId, a user's
 * quoteRequestId — checked in memory rather than by a UNIQUE index, as the PostgreSQL store checks them. Clients
 * choose the keys, and each owner's sit apart in such an index, so it took a new place in its tree for every row: the
 * largest trees an accepted quote wrote (docs/benchmarks.md, "Sixth pass"; SQLite migrations 9 and 10).
 *
 * The keys are read from the table once — with the domain's start-up load of them (`fill`), or at the first check —
 * then kept as rows are written (`add`) and deleted or rolled back (`remove`). A key's string is the row's own, so
 * the domain's index of the same keys shares it.
 */
export class ClientKeys {
  private byOwner: Map<string, Set<string>> | undefined;

  /** `read`: every stored (owner, key) pair, for the first check made before a `fill`. */
  constructor(private readonly read: () => Iterable<readonly [string, string]>) {}

  has(owner: string, key: string): boolean {
    return this.loaded().get(owner)?.has(key) ?? false;
  }

  add(owner: string, key: string): void {
    const byOwner = this.loaded();
    let keys = byOwner.get(owner);
    if (!keys) byOwner.set(owner, (keys = new Set()));
    keys.add(key);
  }

  remove(owner: string, key: string): void {
    this.byOwner?.get(owner)?.delete(key);
  }

  /** Takes the stored pairs a start-up load read anyway (ignored once the keys are in memory). */
  fill(pairs: Iterable<readonly [string, string]>): void {
    if (this.byOwner === undefined) this.byOwner = ClientKeys.of(pairs);
  }

  private loaded(): Map<string, Set<string>> {
    return (this.byOwner ??= ClientKeys.of(this.read()));
  }

  private static of(pairs: Iterable<readonly [string, string]>): Map<string, Set<string>> {
    const byOwner = new Map<string, Set<string>>();
    for (const [owner, key] of pairs) {
      let keys = byOwner.get(owner);
      if (!keys) byOwner.set(owner, (keys = new Set()));
      keys.add(key);
    }
    return byOwner;
  }
}
