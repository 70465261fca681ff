import { DurableObject } from "cloudflare:workers";
import { type Migration, migrate } from "./schema-migrations";

export type LimitDecision = { allowed: true; attemptId: number } | { allowed: false; retryAfterSeconds: number };

/** Version 1 is the schema from before versioning, verbatim; append new versions, never edit one. */
export const LIMITER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "login attempts",
    up: "CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL)",
  },
];

/**
 * Limits login attempts for one subject (an email or an IP) in a sliding window. One object per
 * subject makes the count exact (unlike the platform's approximate rate-limit binding), and an attempt
 * is counted when it starts, so concurrent guesses cannot all slip through before any is recorded.
 */
export class LoginLimiter extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(ctx.storage, LIMITER_MIGRATIONS);
  }

  attempt(limit: number, windowMs: number, now: number = Date.now()): LimitDecision {
    this.sql.exec("DELETE FROM attempts WHERE at <= ?", now - windowMs);
    const { n, oldest } = this.sql
      .exec<{ n: number; oldest: number | null }>("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM attempts")
      .one();
    if (n >= limit) {
      const retryAfterMs = (oldest ?? now) + windowMs - now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
    const { id } = this.sql.exec<{ id: number }>("INSERT INTO attempts (at) VALUES (?) RETURNING id", now).one();
    return { allowed: true, attemptId: id };
  }

  /**
   * Growing delays instead of a hard lockout: the first `freeFailures` attempts in the window pass at
   * once; after that each attempt must wait 2^k seconds (k = 1, 2, …; at most `maxDelayMs`) after the
   * previous one. Uses the same `attempts` rows as `attempt`, so stored state of either kind stays valid.
   */
  attemptWithBackoff(freeFailures: number, windowMs: number, maxDelayMs: number, now: number = Date.now()): LimitDecision {
    this.sql.exec("DELETE FROM attempts WHERE at <= ?", now - windowMs);
    const { n, latest } = this.sql
      .exec<{ n: number; latest: number | null }>("SELECT COUNT(*) AS n, MAX(at) AS latest FROM attempts")
      .one();
    if (n >= freeFailures && latest !== null) {
      const delayMs = Math.min(maxDelayMs, 1000 * 2 ** Math.min(n - freeFailures + 1, 30));
      const waitMs = latest + delayMs - now;
      if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    const { id } = this.sql.exec<{ id: number }>("INSERT INTO attempts (at) VALUES (?) RETURNING id", now).one();
    return { allowed: true, attemptId: id };
  }

  /** A successful login does not count against the subject: forget that attempt (or all of them). */
  succeeded(attemptId: number, forgetAll: boolean): void {
    if (forgetAll) this.sql.exec("DELETE FROM attempts");
    else this.sql.exec("DELETE FROM attempts WHERE id = ?", attemptId);
  }
}
