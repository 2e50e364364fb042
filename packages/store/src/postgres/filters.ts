/**
 * @module postgres/filters
 * The WHERE clauses of the PostgreSQL domain store's list queries, built with numbered parameters.
 */
import { pgText } from './sql-text.ts';

/** Filter clauses with numbered parameters; strings go through `pgText` as they did when written. */
export class Where {
  readonly clauses: string[] = [];
  readonly args: unknown[] = [];
  arg(v: unknown): string {
    this.args.push(typeof v === 'string' ? pgText(v) : v);
    return `$${this.args.length}`;
  }
  add(clause: string): this {
    this.clauses.push(clause);
    return this;
  }
  eq(column: string, v: string | undefined): this {
    return v === undefined ? this : this.add(`${column} = ${this.arg(v)}`);
  }
  cmp(column: string, op: '>=' | '<=', v: number | undefined): this {
    return v === undefined ? this : this.add(`${column} ${op} ${this.arg(v)}`);
  }
  any(column: string, vs: string[] | undefined): this {
    if (vs === undefined) return this;
    this.args.push(vs.map(pgText));
    return this.add(`${column} = ANY($${this.args.length})`);
  }
}
