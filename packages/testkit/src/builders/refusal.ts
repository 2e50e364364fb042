/**
 * @module builders/refusal
 * The refusal an operation answers with, for tests that assert on its code or name: the operation must throw a
 * DomainError (anything else, or success, fails the test with what happened instead).
 */
import assert from 'node:assert/strict';
import { DomainError } from '@cadenza/domain';

export type Refusable = Promise<unknown> | (() => unknown);

export async function refusal(op: Refusable): Promise<DomainError> {
  try {
    await (typeof op === 'function' ? op() : op);
  } catch (e) {
    assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a refusal');
}

/** The same for an operation that refuses synchronously. */
export function refusalNow(op: () => unknown): DomainError {
  try {
    op();
  } catch (e) {
    assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a refusal');
}
