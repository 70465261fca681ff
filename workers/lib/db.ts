import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

/**
 * One drizzle instance per D1 binding object: building one walks the whole schema (its relational
 * config), which every query on the saga's hot path paid. Keyed by the binding itself, so an isolate
 * that is handed a new binding object gets a new instance, never one bound to another's.
 */
const instances = new WeakMap<D1Database, Db>();
export function createDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    instances.set(d1, db);
  }
  return db;
}

/** A drizzle query as a raw D1 statement, to combine with raw statements in one `DB.batch()`. */
export function toStatement(d1: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return d1.prepare(sql).bind(...params);
}
