import { drizzle } from "drizzle-orm/d1";

export type Db = ReturnType<typeof createDb>;

/**
 * A drizzle instance over the D1 binding. Queries name their tables (lib/schema.ts) themselves, so
 * no relational schema is passed: building one walks every table, and each request and each saga
 * step creates its instances afresh.
 */
export const createDb = (d1: D1Database) => drizzle(d1);

/** A drizzle query as a raw D1 statement, to combine with raw statements in one `DB.batch()`. */
export function toStatement(d1: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return d1.prepare(sql).bind(...params);
}
