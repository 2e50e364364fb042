/**
 * @module fakes/sequential-ids
 * Deterministic UUID-shaped ids (valid v4 syntax): 00000000-0000-4000-8000-000000000001, …002, …
 */
import type { IdSource } from '@cadenza/domain';

export class SequentialIds implements IdSource {
  private n = 0;
  constructor(private readonly prefix = '00000000') {}
  uuid(): string {
    this.n++;
    return `${this.prefix}-0000-4000-8000-${this.n.toString(16).padStart(12, '0')}`;
  }
}
