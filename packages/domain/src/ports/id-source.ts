/**
 * @module ports/id-source
 * Identifier generation, injected so tests are deterministic.
 */
export interface IdSource {
  /** A new UUID string (v4 or v7), unique for the life of the data directory. */
  uuid(): string;
}
