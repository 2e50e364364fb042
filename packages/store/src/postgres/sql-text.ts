/**
 * @module postgres/sql-text
 * Statements rendered as text with literal values, for the write-behind batches: a batch of many statements goes to
 * PostgreSQL as one simple-protocol query (one round trip), which bound parameters cannot do.
 *
 * Literals are safe because the writer's session runs with `standard_conforming_strings = on` (PostgreSQL's default
 * since 9.1, set explicitly on the connection): inside '…' only the quote is special, and it is doubled.
 *
 * PostgreSQL text cannot hold U+0000, and UTF-8 cannot carry a lone surrogate; a client may still send either in an
 * id (a clientOrderId is any 1–64 characters). `pgText` maps every JS string to a storable one, one-to-one, so
 * uniqueness and equality keep their meaning; `fromPgText` maps back. Strings without such characters (all real
 * ones) are stored as they are.
 */

const ESCAPED = '\u0001';
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function needsEscape(s: string): boolean {
  return s.startsWith(ESCAPED) || UNSTORABLE.test(s);
}

/** The storable form of `s` (itself unless it holds U+0000, a lone surrogate or starts with U+0001). */
export function pgText(s: string): string {
  return needsEscape(s) ? ESCAPED + JSON.stringify(s) : s;
}

/** The string `pgText` was given. */
export function fromPgText(s: string): string {
  return s.startsWith(ESCAPED) ? (JSON.parse(s.slice(1)) as string) : s;
}

/** A JSON document for a `json` column; JSON.stringify escapes U+0000 and lone surrogates itself. */
export class Json {
  constructor(readonly text: string) {}
}
export const json = (value: unknown): Json => new Json(JSON.stringify(value));

export type SqlValue = string | number | boolean | null | undefined | Uint8Array | Json | readonly string[];

/** One value as an SQL literal. */
export function literal(v: SqlValue): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return quote(pgText(v));
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot store the number ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Json) return quote(v.text);
  if (v instanceof Uint8Array) return `'\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}'::bytea`;
  return `ARRAY[${v.map((s) => quote(pgText(s))).join(',')}]::text[]`;
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** `sql\`INSERT … VALUES (${a}, ${b})\`` → the statement with literals, ending in `;`. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): string {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += literal(values[i]) + strings[i + 1]!;
  return `${out};`;
}
