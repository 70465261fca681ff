/**
 * Expiry of manual-capture authorizations outside the ledgers' alarms: what the adjustable test clock
 * (and the cron trigger) drive. Each due hold is released by its wallet's ledger, which decides: an
 * alarm, this function and a capture racing for the same hold have one winner, and the hold is
 * released once. D1 follows the hold as the ledger left it.
 */
import { createDb } from "../lib/db";
import { ledgerFor } from "../lib/ledger";
import * as queries from "./payments.queries";

const BATCH = 100;
const CONCURRENCY = 8;

/** Expires every AUTHORIZED payment whose `authorization_expires_at` ≤ `now`; returns how many this call released. */
export async function expireDueAuthorizations(env: Env, now: Date): Promise<number> {
  const db = createDb(env.DB);
  const at = now.toISOString();
  let released = 0;
  const seen = new Set<string>();
  for (;;) {
    const due = (await queries.dueAuthorizations(db, at, BATCH)).filter((p) => !seen.has(p.paymentId));
    if (due.length === 0) return released;
    for (let i = 0; i < due.length; i += CONCURRENCY) {
      const chunk = due.slice(i, i + CONCURRENCY);
      const outcomes = await Promise.all(
        chunk.map(async (p) => {
          seen.add(p.paymentId);
          const outcome = await ledgerFor(env, p.walletId).settleHold({ op: "expire", referenceId: p.paymentId, now: at });
          await queries.followHold(db, p.paymentId, outcome.hold ?? (await ledgerFor(env, p.walletId).getHold(p.paymentId)) ?? undefined);
          return outcome.ok;
        }),
      );
      released += outcomes.filter(Boolean).length;
    }
  }
}
