/**
 * @module memory-recovery-tokens
 * `RecoveryTokenStore` in process memory: the fallback when the `AuthStore` does not keep recovery tokens. A
 * restart forgets pending recoveries (the user asks again) and other processes do not see them, so with several
 * server instances a recovery link works only on the instance that sent it. Expired entries are dropped as new
 * ones arrive; at most `maxEntries` are kept (the oldest go first).
 */
import type { RecoveryTokenRecord, RecoveryTokenStore } from './auth-store.ts';

export class MemoryRecoveryTokens implements RecoveryTokenStore {
  /** By user id; insertion order is creation order. */
  private readonly byUser = new Map<string, RecoveryTokenRecord>();
  private readonly byLink = new Map<string, string>();
  /** Wrong codes against each user's current token. */
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly maxEntries = 100_000,
  ) {}

  async putRecoveryToken(record: RecoveryTokenRecord): Promise<void> {
    this.remove(record.userId);
    this.sweep();
    this.byUser.set(record.userId, { ...record });
    this.byLink.set(record.linkHash, record.userId);
  }

  async getRecoveryTokenByUser(userId: string): Promise<RecoveryTokenRecord | undefined> {
    const r = this.byUser.get(userId);
    return r && { ...r };
  }

  async getRecoveryTokenByLink(linkHash: string): Promise<RecoveryTokenRecord | undefined> {
    const userId = this.byLink.get(linkHash);
    return userId === undefined ? undefined : this.getRecoveryTokenByUser(userId);
  }

  async consumeRecoveryToken(userId: string, linkHash: string): Promise<boolean> {
    if (this.byUser.get(userId)?.linkHash !== linkHash) return false;
    this.remove(userId);
    return true;
  }

  async countWrongRecoveryCode(userId: string, linkHash: string, maxFailures: number): Promise<boolean> {
    if (this.byUser.get(userId)?.linkHash !== linkHash) return false;
    const n = (this.failures.get(userId) ?? 0) + 1;
    if (n < maxFailures) {
      this.failures.set(userId, n);
      return false;
    }
    this.remove(userId);
    return true;
  }

  private remove(userId: string): void {
    const r = this.byUser.get(userId);
    if (!r) return;
    this.byUser.delete(userId);
    this.byLink.delete(r.linkHash);
    this.failures.delete(userId);
  }

  private sweep(): void {
    const now = this.now();
    for (const [userId, r] of this.byUser) {
      // Entries share one lifetime, so the expired ones are at the front.
      if (r.expiresAt > now && this.byUser.size < this.maxEntries) break;
      this.remove(userId);
    }
  }
}
