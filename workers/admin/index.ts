import { desc } from "drizzle-orm";
import { createRouter } from "../lib/app";
import { createDb } from "../lib/db";
import { deadLetters } from "../lib/schema";
import * as routes from "./admin.routes";

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

export const adminRouter = createRouter().openapi(routes.listDeadLetters, async (c) => {
  const rows = await createDb(c.env.DB).select().from(deadLetters).orderBy(desc(deadLetters.createdAt)).limit(200);
  return c.json({ dead_letters: rows.map(presentDeadLetter) }, 200);
});
