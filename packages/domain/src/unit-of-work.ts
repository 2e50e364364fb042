/**
 * @module unit-of-work
 * One change of the domain, all or nothing: the store's transaction, the memory it changes and the events it
 * publishes. The domain decides on memory (loaded at start, see ports/store.ts), so memory must never run ahead of
 * what the store took: whoever changes memory inside `run` registers how to undo it (`onUndo`); a failing `fn` has
 * those changes undone, newest first, its events dropped, and rethrows. Nested runs are savepoints, as in the store.
 */
import type { Publisher } from './publisher.ts';
import type { Store } from './ports/store.ts';

interface Frame {
  undo: Array<() => void>;
  done: Array<() => void>;
}

export class UnitOfWork {
  private readonly frames: Frame[] = [];

  constructor(
    private readonly store: Store,
    private readonly publish: Publisher,
  ) {}

  run<T>(fn: () => T): T {
    const frame: Frame = { undo: [], done: [] };
    this.frames.push(frame);
    let out: T;
    try {
      out = this.publish.batch(() => this.store.transaction(fn));
    } catch (err) {
      this.frames.pop();
      for (let i = frame.undo.length - 1; i >= 0; i--) frame.undo[i]!();
      throw err;
    }
    this.frames.pop();
    const parent = this.frames[this.frames.length - 1];
    if (parent) {
      parent.undo.push(...frame.undo);
      parent.done.push(...frame.done);
    } else {
      for (const cb of frame.done) cb();
    }
    return out;
  }

  /** Records how to undo a memory change made inside `run`; outside one the change stands (its write was its own unit). */
  onUndo(fn: () => void): void {
    this.frames[this.frames.length - 1]?.undo.push(fn);
  }

  /** Runs `fn` once the outermost `run` has succeeded (at once outside a run), e.g. to wake waiters. */
  onDone(fn: () => void): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame) frame.done.push(fn);
    else fn();
  }
}
