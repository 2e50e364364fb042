/**
 * @module postgres/reads
 * The PostgreSQL domain store's queries: each first waits until every write made before it is committed
 * (`settled`), so it sees them; a transient failure marks the database down and answers STORE_UNAVAILABLE.
 */
import type pg from 'pg';
import type { Page, Paged } from '@cadenza/domain';
import { isTransient, storeUnavailable, type Availability } from './connection.ts';
import type { WriteBehind } from './write-behind.ts';

type Body<T> = { body: T };

export class PgReads {
  constructor(
    private readonly pool: pg.Pool,
    private readonly availability: Availability,
    private readonly wb: WriteBehind,
  ) {}

  async rows<R extends pg.QueryResultRow>(name: string | undefined, text: string, values: unknown[] = []): Promise<R[]> {
    await this.wb.settled();
    try {
      const r = await this.pool.query<R>(name ? { name, text, values } : { text, values });
      return r.rows;
    } catch (err) {
      if (!isTransient(err)) throw err;
      this.availability.markDown(err);
      throw storeUnavailable(err);
    }
  }

  async bodies<T>(name: string | undefined, text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.rows<Body<T>>(name, text, values)).map((r) => r.body);
  }

  async one<T>(name: string, text: string, values: unknown[]): Promise<T | undefined> {
    return (await this.bodies<T>(name, text, values))[0];
  }

  async paged<T>(table: string, where: string[], args: unknown[], order: string, page: Page): Promise<Paged<T>> {
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const n = args.length;
    const [items, count] = await Promise.all([
      this.bodies<T>(undefined, `SELECT body FROM ${table} ${w} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`, [...args, page.limit, page.offset]),
      this.rows<{ n: string }>(undefined, `SELECT count(*) AS n FROM ${table} ${w}`, args),
    ]);
    return { items, total: Number(count[0]?.n ?? 0) };
  }
}
