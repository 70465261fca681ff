/**
 * The D1 side of "publishing never depends on luck": a D1 write that must be followed by an event
 * writes an outbox row in the same `batch()`; the row is sent right after the batch commits, and
 * `sweepOutbox` (from the cron trigger) re-sends rows that are still unsent a while later.
 */
import { type AppEvent, queueFor } from "./events";
import { nowIso } from "./ids";
import { type QueueName, sendEvents } from "./queues";
import { armSagaSweep } from "./saga-sweep";

export type OutboxRow = { outbox_id: string; queue: string; body: string };

/** Rows younger than this are left to the request that wrote them. */
const SWEEP_AFTER_MS = 30_000;

/**
 * An outbox insert that only happens when the previous statement of the batch changed a row
 * (`changes() = 1`), so an event is recorded exactly when its state transition happened.
 * The outbox id is deterministic per transition, so a repeated transition cannot queue two events.
 */
export function outboxInsertIfChanged(db: D1Database, outboxId: string, event: AppEvent): D1PreparedStatement {
  return db
    .prepare("INSERT INTO outbox (outbox_id, queue, body, created_at) SELECT ?, ?, ?, ? WHERE changes() = 1 ON CONFLICT DO NOTHING")
    .bind(outboxId, queueFor(event.type), JSON.stringify(event), nowIso());
}

export function outboxInsert(db: D1Database, outboxId: string, event: AppEvent): D1PreparedStatement {
  return outboxInsertTo(db, outboxId, queueFor(event.type), JSON.stringify(event));
}

/** An outbox insert of a body as it was recorded, to a named queue (a dead letter's replay). */
export function outboxInsertTo(db: D1Database, outboxId: string, queue: QueueName, body: string): D1PreparedStatement {
  return db
    .prepare("INSERT INTO outbox (outbox_id, queue, body, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
    .bind(outboxId, queue, body, nowIso());
}

/**
 * The given outbox rows that are still unsent. As the last statement of the batch that wrote them,
 * it reads them in the same round trip (and sees a row an earlier, interrupted attempt left unsent).
 */
export function unsentOutbox(db: D1Database, outboxIds: readonly string[]): D1PreparedStatement {
  const placeholders = outboxIds.map(() => "?").join(",");
  return db
    .prepare(`SELECT outbox_id, queue, body FROM outbox WHERE sent_at IS NULL AND outbox_id IN (${placeholders})`)
    .bind(...outboxIds);
}

/** Sends the given outbox rows now (best effort: whatever fails is left for the sweep). */
export async function flushOutbox(env: Env, outboxIds: string[]): Promise<void> {
  if (outboxIds.length === 0) return;
  // Started first: the arm's round trip overlaps the read.
  const armed = armSagaSweep(env);
  const { results } = await unsentOutbox(env.DB, outboxIds).all<OutboxRow>();
  await sendOutboxRows(env, results, armed);
}

/** Sends outbox rows read by `unsentOutbox` (best effort: whatever fails is left for the sweep). */
export async function sendOutboxRows(env: Env, rows: OutboxRow[], armed = armSagaSweep(env)): Promise<void> {
  // Every saga starts with an outbox row: make sure the sweep that finishes it will run.
  await sendRows(env, rows);
  await armed;
}

export async function sweepOutbox(env: Env, olderThanMs = SWEEP_AFTER_MS): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanMs).toISOString();
  const { results } = await env.DB.prepare(
    "SELECT outbox_id, queue, body FROM outbox WHERE sent_at IS NULL AND created_at <= ? ORDER BY created_at LIMIT 500",
  )
    .bind(cutoff)
    .all<OutboxRow>();
  return sendRows(env, results);
}

/** Sends rows through the one send path and marks those sent; a row that failed stays for the sweep. */
async function sendRows(env: Env, rows: OutboxRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const failures = await sendEvents(
    env,
    rows.map((row) => ({ queue: row.queue, body: JSON.parse(row.body) as unknown, row })),
  );
  for (const { message, error } of failures) {
    console.error(JSON.stringify({ level: "error", msg: "outbox send failed", outbox_id: message.row.outbox_id, error: String(error) }));
  }
  const failed = new Set(failures.map((f) => f.message.row.outbox_id));
  const sent = rows.filter((row) => !failed.has(row.outbox_id));
  if (sent.length > 0) {
    const now = nowIso();
    await env.DB.batch(sent.map((row) => env.DB.prepare("UPDATE outbox SET sent_at = ? WHERE outbox_id = ?").bind(now, row.outbox_id)));
  }
  return sent.length;
}
