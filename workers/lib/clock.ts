/**
 * The one source of "now" for every date rule (loan servicing, hold expiry, statements). Read it
 * through this function, never through Date.now(), so the adjustable test clock moves every rule at
 * once. In production it is the real time. Where `TEST_CLOCK` is "true" (local and staging) it is
 * the real time plus an offset an admin moves forward; the offset lives in D1 (one row), read on
 * every call, so every isolate and every restart sees the same clock.
 *
 * Two times, never mixed: the clock is business time (what is due, what month an entry belongs to,
 * when a hold expires); a D1 row's own `created_at` / `updated_at` is wall time (`nowIso()`), like
 * every D1 row, because the saga sweep and reconciliation age rows by wall time, and a row stamped
 * ahead by the test clock would never look old enough to re-drive.
 */
const DAY_SECONDS = 86_400;

export const testClockEnabled = (env: Env): boolean => env.TEST_CLOCK === "true";

export async function clockOffsetSeconds(env: Env): Promise<number> {
  if (!testClockEnabled(env)) return 0;
  const row = await env.DB.prepare("SELECT offset_seconds FROM test_clock WHERE id = 1").first<{ offset_seconds: number }>();
  return row?.offset_seconds ?? 0;
}

export async function clockNow(env: Env): Promise<Date> {
  if (!testClockEnabled(env)) return new Date();
  return new Date(Date.now() + (await clockOffsetSeconds(env)) * 1000);
}

/**
 * The clock's now as the ledger stores times: the `now` of every WalletLedger write (entries, holds,
 * pockets), so an entry's month and a hold's expiry follow the same clock as statements and
 * servicing. In production it is `new Date()`, with no read.
 */
export const businessNow = async (env: Env): Promise<string> => (await clockNow(env)).toISOString();

/** Moves the test clock forward by whole days (the caller has checked TEST_CLOCK); batch it with its audit entry. */
export function advanceClockStatement(db: D1Database, days: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO test_clock (id, offset_seconds, updated_at) VALUES (1, ?1, ?2)
       ON CONFLICT (id) DO UPDATE SET offset_seconds = offset_seconds + ?1, updated_at = ?2`,
    )
    .bind(days * DAY_SECONDS, new Date().toISOString());
}
