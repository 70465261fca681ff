import { DurableObject } from "cloudflare:workers";

export type IdempotencyBegin =
  | { state: "new" }
  | { state: "replay"; status: number; body: string }
  | { state: "in_progress" }
  | { state: "mismatch" };

/** How long a request may hold a key before a retry may take it over (the effect itself stays keyed). */
const LEASE_MS = 30_000;
/** Keys are kept at least 24 hours (API.md); we keep them 48. */
const RETENTION_MS = 48 * 60 * 60 * 1000;

/**
 * The Idempotency-Key records of one user, serialised by the Durable Object: exactly one request
 * can hold a key at a time, and a completed request's response is replayed byte for byte.
 */
export class IdempotencyStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS keys (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        status INTEGER,
        body TEXT,
        locked_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS keys_by_age ON keys (created_at);
    `);
  }

  begin(key: string, fingerprint: string, now: number = Date.now()): IdempotencyBegin {
    this.sql.exec("DELETE FROM keys WHERE created_at < ?", now - RETENTION_MS);
    const row = this.sql
      .exec<{ fingerprint: string; status: number | null; body: string | null; locked_at: number }>(
        "SELECT fingerprint, status, body, locked_at FROM keys WHERE key = ?",
        key,
      )
      .toArray()[0];
    if (!row) {
      this.sql.exec("INSERT INTO keys (key, fingerprint, locked_at, created_at) VALUES (?, ?, ?, ?)", key, fingerprint, now, now);
      return { state: "new" };
    }
    if (row.fingerprint !== fingerprint) return { state: "mismatch" };
    if (row.status !== null && row.body !== null) return { state: "replay", status: row.status, body: row.body };
    if (now - row.locked_at < LEASE_MS) return { state: "in_progress" };
    // The first holder vanished (crash, eviction). Its effect, if any, is keyed by the same
    // transfer id, so running again returns the stored outcome instead of moving money twice.
    this.sql.exec("UPDATE keys SET locked_at = ? WHERE key = ?", now, key);
    return { state: "new" };
  }

  complete(key: string, status: number, body: string): void {
    this.sql.exec("UPDATE keys SET status = ?, body = ? WHERE key = ?", status, body, key);
  }

  /** Forgets a key whose request failed unexpectedly (5xx), so the client can retry it. */
  release(key: string): void {
    this.sql.exec("DELETE FROM keys WHERE key = ? AND status IS NULL", key);
  }
}
