import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";

/**
 * Replays the D1 migrations on a fresh SQLite store (a Durable Object's, as D1 is SQLite too): the ones
 * before 0002 first, then a user row exactly as the previous version wrote it, then 0002.
 */
describe("migration 0002 (roles, two-factor, sessions)", () => {
  it("is additive: an existing user survives as a customer without two-factor", async () => {
    const migrations = env.TEST_MIGRATIONS;
    const index = migrations.findIndex((m) => m.name.startsWith("0002_"));
    expect(index).toBeGreaterThan(0);
    const before = migrations.slice(0, index);
    const mine = migrations[index]!;
    expect(mine.queries.join("\n")).not.toMatch(/__new_|DROP TABLE/i);

    const store = env.LOGIN_LIMITER.get(env.LOGIN_LIMITER.idFromName(`migration-test-${crypto.randomUUID()}`));
    await runInDurableObject(store, (_instance, state) => {
      const sql = state.storage.sql;
      for (const migration of before) for (const query of migration.queries) sql.exec(query);
      sql.exec(
        "INSERT INTO users (user_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        "u-1",
        "old@example.com",
        "Old Timer",
        "pbkdf2-sha256$100000$salt$hash",
        "2026-11-01T00:00:00.000Z",
      );
      for (const query of mine.queries) sql.exec(query);
      const row = sql.exec("SELECT * FROM users WHERE user_id = 'u-1'").one();
      expect(row).toMatchObject({
        email: "old@example.com",
        name: "Old Timer",
        password_hash: "pbkdf2-sha256$100000$salt$hash",
        role: "customer",
        totp_secret: null,
        totp_pending_secret: null,
        totp_last_step: null,
      });
      expect(sql.exec("SELECT COUNT(*) AS n FROM sessions").one().n).toBe(0);
    });
  });
});
