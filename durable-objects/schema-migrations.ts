/**
 * Versioned schemas for the SQLite storage of a Durable Object. Each object records the migrations it
 * has applied in a `schema_migrations` table (Durable Object SQLite refuses `PRAGMA user_version` with
 * SQLITE_AUTH), so a migration added later reaches every existing object the next time it runs.
 *
 * Rules for a migration list: versions are 1, 2, 3, … in order; an applied migration is never edited.
 * Migration 1 is the schema these objects had before versioning, written with `IF NOT EXISTS`
 * throughout: an object created then has those tables but no `schema_migrations` row, so version 1
 * runs on it as a no-op (or creates a table that object predates) and is recorded. Later migrations
 * run exactly once per object and need not be idempotent.
 */
export type Migration = {
  version: number;
  description: string;
  /** DDL (and any data moves) run inside the migration's transaction. */
  up: string | ((sql: SqlStorage) => void);
};

export type MigrationResult = { from: number; to: number };

const TABLE = "schema_migrations";

/** The highest applied version, 0 for an object that has never been migrated. Read-only. */
export function schemaVersion(sql: SqlStorage): number {
  const exists = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", TABLE).toArray().length > 0;
  if (!exists) return 0;
  return sql.exec<{ v: number | null }>(`SELECT MAX(version) AS v FROM ${TABLE}`).one().v ?? 0;
}

/**
 * Applies the migrations this object has not applied yet, each in its own transaction together with
 * its record, so an object reset mid-way resumes at the first unrecorded one. Synchronous: called in
 * a constructor or before the first write, no request sees a half-migrated object. An object already
 * at a newer version than `migrations` knows (code rolled back after a migration ran) is left alone.
 */
export function migrate(
  storage: DurableObjectStorage,
  migrations: readonly Migration[],
  now: string = new Date().toISOString(),
): MigrationResult {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migration ${index + 1} is numbered ${migration.version}`);
  });
  const sql = storage.sql;
  const from = schemaVersion(sql);
  for (const migration of migrations.slice(from)) {
    storage.transactionSync(() => {
      sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      if (typeof migration.up === "string") sql.exec(migration.up);
      else migration.up(sql);
      sql.exec(`INSERT INTO ${TABLE} (version, description, applied_at) VALUES (?, ?, ?)`, migration.version, migration.description, now);
    });
  }
  return { from, to: Math.max(from, migrations.length) };
}
