import { desc, eq } from "drizzle-orm";
import { createRouter } from "../lib/app";
import { createDb, toStatement } from "../lib/db";
import { notFound } from "../lib/errors";
import type { AppEvent } from "../lib/events";
import { nowIso } from "../lib/ids";
import { flushOutbox, outboxInsert } from "../lib/outbox";
import { deadLetters, wallets } from "../lib/schema";
import * as routes from "./admin.routes";
import { reconcile } from "./reconciliation";

type DeadLetterRow = typeof deadLetters.$inferSelect;

export const presentDeadLetter = (row: DeadLetterRow) => ({
  dead_letter_id: row.deadLetterId,
  queue: row.queue,
  event: JSON.parse(row.event) as Record<string, unknown>,
  error: row.error,
  attempts: row.attempts,
  created_at: row.createdAt,
  replayed_at: row.replayedAt,
});

export const adminRouter = createRouter()
  .openapi(routes.listDeadLetters, async (c) => {
    const rows = await createDb(c.env.DB).select().from(deadLetters).orderBy(desc(deadLetters.createdAt)).limit(200);
    return c.json({ dead_letters: rows.map(presentDeadLetter) }, 200);
  })
  .openapi(routes.replayDeadLetter, async (c) => {
    const { dead_letter_id } = c.req.valid("param");
    const db = createDb(c.env.DB);
    const row = await db.select().from(deadLetters).where(eq(deadLetters.deadLetterId, dead_letter_id)).get();
    if (!row) throw notFound("Dead letter");
    const now = nowIso();
    const outboxId = `replay:${row.deadLetterId}:${now}`;
    await c.env.DB.batch([
      outboxInsert(c.env.DB, outboxId, JSON.parse(row.event) as AppEvent),
      toStatement(c.env.DB, db.update(deadLetters).set({ replayedAt: now }).where(eq(deadLetters.deadLetterId, row.deadLetterId))),
    ]);
    await flushOutbox(c.env, [outboxId]);
    return c.json({ dead_letter: presentDeadLetter({ ...row, replayedAt: now }) }, 202);
  })
  .openapi(routes.reconciliation, async (c) => {
    const [differences, count] = await Promise.all([reconcile(c.env), createDb(c.env.DB).$count(wallets)]);
    return c.json({ checked_at: nowIso(), wallets_checked: count, differences }, 200);
  });
