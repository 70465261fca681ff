import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_MIGRATIONS, IdempotencyStore } from "../../durable-objects/idempotency-store";
import { LIMITER_MIGRATIONS, LoginLimiter } from "../../durable-objects/login-limiter";
import { type Migration, migrate, schemaVersion } from "../../durable-objects/schema-migrations";

const definitions = (sql: SqlStorage) =>
  sql
    .exec<{ type: string; name: string; sql: string | null }>(
      "SELECT type, name, sql FROM sqlite_master WHERE name NOT IN ('schema_migrations', 'sqlite_sequence') ORDER BY type, name",
    )
    .toArray();

const columns = (sql: SqlStorage, table: string) =>
  sql
    .exec<{ name: string }>("SELECT name FROM pragma_table_info(?)", table)
    .toArray()
    .map((c) => c.name);

const applied = (sql: SqlStorage) => sql.exec("SELECT * FROM schema_migrations ORDER BY version").toArray();

describe("login limiter schema versions", () => {
  const TEST_V2: Migration = { version: 2, description: "test only: attempt source", up: "ALTER TABLE attempts ADD COLUMN source TEXT" };

  it("migration 1 is the schema the limiter had before versioning", async () => {
    const stub = env.LOGIN_LIMITER.get(env.LOGIN_LIMITER.newUniqueId());
    await runInDurableObject(stub, (_instance: LoginLimiter, state) => {
      expect(definitions(state.storage.sql)).toEqual([
        { type: "table", name: "attempts", sql: "CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL)" },
      ]);
      expect(schemaVersion(state.storage.sql)).toBe(1);
    });
  });

  it("a limiter written before versioning is recognised as version 1, reaches version 2 with its attempts, and still decides the same", async () => {
    const stub = env.LOGIN_LIMITER.get(env.LOGIN_LIMITER.newUniqueId());
    const t0 = 1_000_000_000_000;
    for (let i = 0; i < 4; i++) expect((await stub.attempt(5, 900_000, t0 + i)).allowed).toBe(true);
    await runInDurableObject(stub, (_instance: LoginLimiter, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE schema_migrations");
      const before = sql.exec("SELECT * FROM attempts ORDER BY id").toArray();
      expect(before).toHaveLength(4);

      const restarted = new LoginLimiter(state, env);
      expect(schemaVersion(sql)).toBe(1);
      expect(sql.exec("SELECT * FROM attempts ORDER BY id").toArray()).toEqual(before);

      expect(migrate(state.storage, [...LIMITER_MIGRATIONS, TEST_V2])).toEqual({ from: 1, to: 2 });
      expect(columns(sql, "attempts")).toEqual(["id", "at", "source"]);
      const after = sql.exec("SELECT * FROM attempts ORDER BY id").toArray();
      expect(after).toEqual(before.map((row) => ({ ...row, source: null })));

      const once = applied(sql);
      expect(migrate(state.storage, [...LIMITER_MIGRATIONS, TEST_V2])).toEqual({ from: 2, to: 2 });
      new LoginLimiter(state, env);
      expect(applied(sql)).toEqual(once);
      expect(sql.exec("SELECT * FROM attempts ORDER BY id").toArray()).toEqual(after);

      // The four stored attempts still count: one more passes, the sixth is refused.
      expect(restarted.attempt(5, 900_000, t0 + 10).allowed).toBe(true);
      expect(restarted.attempt(5, 900_000, t0 + 11)).toEqual({ allowed: false, retryAfterSeconds: 900 });
    });
  });
});

describe("idempotency store schema versions", () => {
  const TEST_V2: Migration = {
    version: 2,
    description: "test only: key route, key events",
    up: `
      ALTER TABLE keys ADD COLUMN route TEXT;
      CREATE TABLE key_events (key TEXT NOT NULL, at INTEGER NOT NULL);
    `,
  };

  it("migration 1 is the schema the store had before versioning", async () => {
    const stub = env.IDEMPOTENCY.get(env.IDEMPOTENCY.newUniqueId());
    await runInDurableObject(stub, (_instance: IdempotencyStore, state) => {
      expect(definitions(state.storage.sql).map(({ type, name }) => `${type} ${name}`)).toEqual([
        "index keys_by_age",
        "index sqlite_autoindex_keys_1",
        "table keys",
      ]);
      expect(columns(state.storage.sql, "keys")).toEqual(["key", "fingerprint", "status", "body", "locked_at", "created_at"]);
      expect(schemaVersion(state.storage.sql)).toBe(1);
    });
  });

  it("a store written before versioning is recognised as version 1, reaches version 2 with its keys, and still replays them", async () => {
    const stub = env.IDEMPOTENCY.get(env.IDEMPOTENCY.newUniqueId());
    const now = Date.now();
    expect(await stub.begin("done", "fp-done", now)).toEqual({ state: "new" });
    await stub.complete("done", 201, '{"ok":true}');
    expect(await stub.begin("held", "fp-held", now)).toEqual({ state: "new" });
    await runInDurableObject(stub, (_instance: IdempotencyStore, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE schema_migrations");
      const before = sql.exec("SELECT * FROM keys ORDER BY key").toArray();
      expect(before).toHaveLength(2);

      const restarted = new IdempotencyStore(state, env);
      expect(schemaVersion(sql)).toBe(1);
      expect(sql.exec("SELECT * FROM keys ORDER BY key").toArray()).toEqual(before);

      expect(migrate(state.storage, [...IDEMPOTENCY_MIGRATIONS, TEST_V2])).toEqual({ from: 1, to: 2 });
      expect(columns(sql, "keys")).toContain("route");
      expect(columns(sql, "key_events")).toEqual(["key", "at"]);
      const after = sql.exec("SELECT * FROM keys ORDER BY key").toArray();
      expect(after).toEqual(before.map((row) => ({ ...row, route: null })));

      const once = applied(sql);
      expect(migrate(state.storage, [...IDEMPOTENCY_MIGRATIONS, TEST_V2])).toEqual({ from: 2, to: 2 });
      new IdempotencyStore(state, env);
      expect(applied(sql)).toEqual(once);
      expect(sql.exec("SELECT * FROM keys ORDER BY key").toArray()).toEqual(after);

      expect(restarted.begin("done", "fp-done", now + 1)).toEqual({ state: "replay", status: 201, body: '{"ok":true}' });
      expect(restarted.begin("held", "fp-held", now + 1)).toEqual({ state: "in_progress" });
      expect(restarted.begin("held", "fp-other", now + 1)).toEqual({ state: "mismatch" });
    });
  });
});
