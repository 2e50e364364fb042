/**
 * @module table
 * Plain-text tables for the terminal: a header row, columns padded to their widest cell, numbers and decimal
 * strings right-aligned, empty cells shown as `-`.
 */

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  align?: 'left' | 'right';
}

const NUMERIC = /^-?\d+(\.\d+)?%?$/;

/** One value as table text. */
export function cell(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.map(cell).join(',') : '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Renders rows as aligned text. Returns `(none)` for an empty list. */
export function renderTable<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => cell(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] ?? '').length)));
  const right = columns.map((c, i) => c.align === 'right' || (c.align === undefined && cells.every((row) => row[i] === '-' || NUMERIC.test(row[i] ?? ''))));
  const line = (values: string[]) =>
    values
      .map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

/** Renders one object as `key  value` lines. */
export function renderRecord(entries: ReadonlyArray<[string, unknown]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n');
}
