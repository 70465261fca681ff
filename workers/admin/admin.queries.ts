import { desc, eq } from "drizzle-orm";
import { type Db, toStatement } from "../lib/db";
import type { AppEvent } from "../lib/events";
import { outboxInsert } from "../lib/outbox";
import { deadLetters, wallets } from "../lib/schema";

export type DeadLetterRow = typeof deadLetters.$inferSelect;

export const listDeadLetters = (db: Db): Promise<DeadLetterRow[]> =>
  db.select().from(deadLetters).orderBy(desc(deadLetters.createdAt)).limit(200);

export const findDeadLetter = (db: Db, deadLetterId: string): Promise<DeadLetterRow | undefined> =>
  db.select().from(deadLetters).where(eq(deadLetters.deadLetterId, deadLetterId)).get();

/** Queues the dead letter's event again (an outbox row) and marks it replayed, in one batch. */
export async function queueReplay(db: Db, row: DeadLetterRow, outboxId: string, now: string): Promise<void> {
  await db.$client.batch([
    outboxInsert(db.$client, outboxId, JSON.parse(row.event) as AppEvent),
    toStatement(db.$client, db.update(deadLetters).set({ replayedAt: now }).where(eq(deadLetters.deadLetterId, row.deadLetterId))),
  ]);
}

export const countWallets = (db: Db): Promise<number> => db.$count(wallets);
