/**
 * @module fakes/fake-clock
 * A clock that moves only when told to.
 */
import type { Clock } from '@cadenza/domain';

export class FakeClock implements Clock {
  constructor(private t = Date.UTC(2026, 10, 24, 9, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
