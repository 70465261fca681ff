import { and, desc, eq } from "drizzle-orm";
import { type Db, toStatement } from "../lib/db";
import type { AppEvent } from "../lib/events";
import { outboxInsertIfChanged } from "../lib/outbox";
import { keysetAfter, nextCursor } from "../lib/pagination";
import { assertWalletOwner } from "../lib/queries";
import { payments } from "../lib/schema";

export type PaymentRow = typeof payments.$inferSelect;

/**
 * Records a PENDING payment and its PAYMENT_REQUESTED outbox row in one batch; a payment id that
 * exists already (an Idempotency-Key retry) inserts neither.
 */
export async function createPayment(db: Db, row: PaymentRow, { outboxId, event }: { outboxId: string; event: AppEvent }) {
  await db.$client.batch([
    toStatement(db.$client, db.insert(payments).values(row).onConflictDoNothing()),
    outboxInsertIfChanged(db.$client, outboxId, event),
  ]);
}

export function findOwnPayment(db: Db, userId: string, paymentId: string): Promise<PaymentRow | undefined> {
  return db
    .select()
    .from(payments)
    .where(and(eq(payments.paymentId, paymentId), eq(payments.userId, userId)))
    .get();
}

/** One page of a wallet's payments, newest first; throws 404 unless the wallet is the user's. */
export async function listWalletPayments(
  db: Db,
  userId: string,
  walletId: string,
  { limit, cursor }: { limit: number; cursor?: string | undefined },
) {
  await assertWalletOwner(db, userId, walletId);
  const rows = await db
    .select()
    .from(payments)
    .where(and(eq(payments.walletId, walletId), keysetAfter(cursor, payments.createdAt, payments.paymentId)))
    .orderBy(desc(payments.createdAt), desc(payments.paymentId))
    .limit(limit + 1);
  return { payments: rows.slice(0, limit), nextCursor: nextCursor(rows, limit, (r) => ({ t: r.createdAt, i: r.paymentId })) };
}
