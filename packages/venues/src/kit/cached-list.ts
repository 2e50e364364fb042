/**
 * @module kit/cached-list
 * A venue's instrument list, fetched at most once per `ttlMs` and never twice at the same time: callers during a
 * load share it, a failed load is not cached (the next call tries again).
 */
export class CachedList<T> {
  private value: T[] = [];
  private loadedAt = -Infinity;
  private loading: Promise<T[]> | undefined;

  constructor(
    private readonly clock: { now(): number },
    private readonly ttlMs: number,
    private readonly load: () => Promise<T[]>,
  ) {}

  get(): Promise<T[]> {
    if (this.clock.now() - this.loadedAt < this.ttlMs) return Promise.resolve(this.value);
    this.loading ??= this.load()
      .then((value) => {
        this.value = value;
        this.loadedAt = this.clock.now();
        return value;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
