import { and, desc, eq, getTableColumns, inArray, lt } from "drizzle-orm";
import { type AuditAction, type AuditEntry, auditStatement } from "../lib/audit-log";
import { type Db, toStatement } from "../lib/db";
import { outboxInsertTo } from "../lib/outbox";
import type { QueueName } from "../lib/queues";
import { adminAuditLog, deadLetters, users, wallets } from "../lib/schema";

export type DeadLetterRow = typeof deadLetters.$inferSelect;
export type AuditLogRow = typeof adminAuditLog.$inferSelect;

export const listDeadLetters = (db: Db): Promise<DeadLetterRow[]> =>
  db.select().from(deadLetters).orderBy(desc(deadLetters.createdAt)).limit(200);

export const findDeadLetter = (db: Db, deadLetterId: string): Promise<DeadLetterRow | undefined> =>
  db.select().from(deadLetters).where(eq(deadLetters.deadLetterId, deadLetterId)).get();

/**
 * Queues the dead letter's event again, as recorded, to the queue it came from (an outbox row), marks
 * it replayed and logs the replay, in one batch.
 */
export async function queueReplay(
  db: Db,
  row: DeadLetterRow,
  queue: QueueName,
  adminUserId: string,
  outboxId: string,
  now: string,
): Promise<void> {
  await db.$client.batch([
    outboxInsertTo(db.$client, outboxId, queue, row.event),
    toStatement(db.$client, db.update(deadLetters).set({ replayedAt: now }).where(eq(deadLetters.deadLetterId, row.deadLetterId))),
    auditStatement(db.$client, {
      adminUserId,
      action: "dead_letter.replay",
      target: `dead_letter:${row.deadLetterId}`,
      details: { queue, outbox_id: outboxId },
    }),
  ]);
}

export const countWallets = (db: Db): Promise<number> => db.$count(wallets);

/** Records an admin action that has no D1 write of its own to share a batch with. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await auditStatement(db.$client, entry).run();
}

/** An audit entry with the email of the admin who acted (null for the operator, or a deleted account). */
export type AuditLogEntryRow = AuditLogRow & { adminEmail: string | null };

/**
 * One page of the audit log, newest first, of every action or only `actions`; `beforeSeq` is the
 * cursor. Each entry carries its admin's email (users, by admin_user_id).
 */
export async function listAuditLog(
  db: Db,
  limit: number,
  beforeSeq: number | undefined,
  actions?: readonly AuditAction[],
): Promise<{ rows: AuditLogEntryRow[]; nextSeq: number | null }> {
  const rows = await db
    .select({ ...getTableColumns(adminAuditLog), adminEmail: users.email })
    .from(adminAuditLog)
    .leftJoin(users, eq(users.userId, adminAuditLog.adminUserId))
    .where(
      and(
        beforeSeq === undefined ? undefined : lt(adminAuditLog.seq, beforeSeq),
        actions === undefined ? undefined : inArray(adminAuditLog.action, [...actions]),
      ),
    )
    .orderBy(desc(adminAuditLog.seq))
    .limit(limit + 1);
  const last = rows[limit - 1];
  return { rows: rows.slice(0, limit), nextSeq: rows.length > limit && last ? last.seq : null };
}
