import { DurableObject } from "cloudflare:workers";
import { type Migration, migrate } from "./schema-migrations";

export type IdempotencyBegin =
  | { state: "new" }
  | { state: "replay"; status: number; body: string }
  /**
   * The key is held with this very request and no response was stored: either the first request is
   * still running, or it succeeded on a route whose effect stores its own outcome (see
   * `idempotentEffect`). Only returned when the caller said its route is such a route.
   */
  | { state: "effect" }
  | { state: "in_progress" }
  | { state: "mismatch" };

/** How long a request may hold a key before a retry may take it over (the effect itself stays keyed). */
export const LEASE_MS = 30_000;
/** Keys are kept at least 24 hours (API.md); we keep them 48. */
export const RETENTION_MS = 48 * 60 * 60 * 1000;
/** Expired keys are swept at most this often per object (a begin never sees one: it checks the age). */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** Version 1 is the schema from before versioning, verbatim; append new versions, never edit one. */
export const IDEMPOTENCY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "idempotency keys with their lease and stored response",
    up: `
      CREATE TABLE IF NOT EXISTS keys (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        status INTEGER,
        body TEXT,
        locked_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS keys_by_age ON keys (created_at);
    `,
  },
];

/**
 * The Idempotency-Key records of one user, serialised by the Durable Object: exactly one request
 * can hold a key at a time, and a completed request's response is replayed byte for byte.
 */
export class IdempotencyStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** When this instance last deleted expired keys (0: not yet, so the first begin sweeps). */
  private sweptAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(ctx.storage, IDEMPOTENCY_MIGRATIONS);
  }

  /**
   * Takes the key for a request with this fingerprint, or says why not. The lock is durable before
   * the caller runs anything, so a different request with the same key is refused (422) even if
   * this object is reset while the first one runs.
   *
   * `effectStoresOutcome`: the caller's route rebuilds its success response from the stored outcome
   * of its keyed effect, so a held key is answered `effect` (replay from the effect, or 409 if it has
   * not happened yet) instead of `in_progress`.
   */
  begin(key: string, fingerprint: string, now: number = Date.now(), effectStoresOutcome = false): IdempotencyBegin {
    if (now - this.sweptAt >= SWEEP_EVERY_MS) {
      this.sql.exec("DELETE FROM keys WHERE created_at < ?", now - RETENTION_MS);
      this.sweptAt = now;
    }
    const row = this.sql
      .exec<{ fingerprint: string; status: number | null; body: string | null; locked_at: number; created_at: number }>(
        "SELECT fingerprint, status, body, locked_at, created_at FROM keys WHERE key = ?",
        key,
      )
      .toArray()[0];
    if (!row || row.created_at < now - RETENTION_MS) {
      this.sql.exec(
        `INSERT INTO keys (key, fingerprint, locked_at, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, status = NULL, body = NULL,
           locked_at = excluded.locked_at, created_at = excluded.created_at`,
        key,
        fingerprint,
        now,
        now,
      );
      return { state: "new" };
    }
    if (row.fingerprint !== fingerprint) return { state: "mismatch" };
    if (row.status !== null && row.body !== null) return { state: "replay", status: row.status, body: row.body };
    if (now - row.locked_at < LEASE_MS) return effectStoresOutcome ? { state: "effect" } : { state: "in_progress" };
    // The first holder vanished (crash, eviction), or (effect routes) finished long ago. Its effect,
    // if any, is keyed by the same transfer id, so running again returns the stored outcome instead
    // of moving money twice.
    this.sql.exec("UPDATE keys SET locked_at = ? WHERE key = ?", now, key);
    return { state: "new" };
  }

  complete(key: string, status: number, body: string): void {
    this.sql.exec("UPDATE keys SET status = ?, body = ? WHERE key = ?", status, body, key);
  }

  /**
   * Ends the lease of a key whose request failed unexpectedly but whose effect may have happened:
   * the fingerprint stays (another request with this key is still a 422), the same request may
   * retry at once (its keyed effect replays instead of running twice).
   */
  unlock(key: string): void {
    this.sql.exec("UPDATE keys SET locked_at = 0 WHERE key = ? AND status IS NULL", key);
  }

  /** Forgets a key whose request failed unexpectedly (5xx), so the client can retry it. */
  release(key: string): void {
    this.sql.exec("DELETE FROM keys WHERE key = ? AND status IS NULL", key);
  }
}
