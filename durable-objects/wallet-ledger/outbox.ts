import { formatCents } from "../../workers/domain/money";
import type { LedgerEvent, LedgerOutcome, MoveRequest } from "../wallet-ledger.types";

/** Retry delays of the outbox alarm, by the most attempts any pending row has had. */
const OUTBOX_RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];
export const FIRST_RETRY_MS = OUTBOX_RETRY_MS[0] ?? 1_000;

/** Writes the outcome's event (if the caller gave one) to the outbox, inside the caller's transaction. */
export function writeOutcomeEvent(sql: SqlStorage, events: MoveRequest["events"], result: LedgerOutcome, now: string): boolean {
  const event = result.ok ? events?.onSuccess : events?.onFailure;
  if (!event) return false;
  sql.exec(
    "INSERT INTO outbox (queue, body, created_at) VALUES (?, ?, ?)",
    event.queue,
    JSON.stringify({ ...event.event, payload: { ...event.event.payload, ...eventFacts(result) } }),
    now,
  );
  return true;
}

/** Facts every outcome event carries, whichever saga emitted it. */
function eventFacts(result: LedgerOutcome): Record<string, unknown> {
  if (result.ok) {
    const facts: Record<string, unknown> = {
      transaction_id: result.transaction?.transaction_id ?? null,
      balance_after: result.wallet.balance,
    };
    // What only the ledger knows when it decides: the amount a capture posted, a refund's amount and running total.
    if ("hold" in result && result.hold.status === "POSTED") facts.captured_amount = formatCents(result.hold.captured);
    if ("refund" in result) {
      facts.amount = formatCents(result.refund.amount);
      facts.refunded_amount = formatCents(result.refunded);
      facts.created_at = result.refund.created_at;
    }
    return facts;
  }
  // A transfer abandoned after its request dead-lettered is, to the saga, a processing error.
  return { failure_reason: result.code === "ABANDONED" ? "PROCESSING_ERROR" : result.code };
}

/**
 * One pass over the outbox: sends every row through `send`, deleting each once sent and counting
 * an attempt on each that failed. Returns how many were sent.
 */
export async function drainPass(sql: SqlStorage, send: (queue: string, event: LedgerEvent) => Promise<void>): Promise<number> {
  const rows = sql.exec<{ seq: number; queue: string; body: string }>("SELECT seq, queue, body FROM outbox ORDER BY seq").toArray();
  let sent = 0;
  for (const row of rows) {
    try {
      await send(row.queue, JSON.parse(row.body) as LedgerEvent);
      sql.exec("DELETE FROM outbox WHERE seq = ?", row.seq);
      sent++;
    } catch (error) {
      sql.exec("UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?", row.seq);
      console.error(JSON.stringify({ msg: "outbox send failed", queue: row.queue, seq: row.seq, error: String(error) }));
    }
  }
  return sent;
}

export function outboxSize(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
}

/** How long to wait before the next drain: backs off with the attempts of the most-tried row. */
export function retryDelayMs(sql: SqlStorage): number {
  const attempts = sql.exec<{ a: number | null }>("SELECT MAX(attempts) AS a FROM outbox").one().a ?? 0;
  return OUTBOX_RETRY_MS[Math.min(attempts, OUTBOX_RETRY_MS.length - 1)] ?? 60_000;
}
