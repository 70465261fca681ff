import { and, desc, eq, inArray, lte, sql } from "drizzle-orm";
import type { HoldView } from "../../durable-objects/wallet-ledger.types";
import { type Db, toStatement } from "../lib/db";
import type { AppEvent } from "../lib/events";
import { nowIso } from "../lib/ids";
import { type OutboxRow, outboxInsertIfChanged, unsentOutbox } from "../lib/outbox";
import { keysetAfter, nextCursor } from "../lib/pagination";
import { assertWalletOwner } from "../lib/queries";
import { payments, refunds } from "../lib/schema";

export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;

/**
 * Records a PENDING payment and its PAYMENT_REQUESTED outbox row in one batch; a payment id that
 * exists already (an Idempotency-Key retry) inserts neither. The same round trip reads the outbox
 * row back if it is still unsent (also one an interrupted earlier attempt left), and the payment as
 * first recorded is read again only when this call did not insert it.
 */
export async function createPayment(
  db: Db,
  row: PaymentRow,
  { outboxId, event }: { outboxId: string; event: AppEvent },
): Promise<{ recorded: PaymentRow | undefined; unsent: OutboxRow[] }> {
  const [inserted, , unsent] = await db.$client.batch<OutboxRow>([
    toStatement(db.$client, db.insert(payments).values(row).onConflictDoNothing()),
    outboxInsertIfChanged(db.$client, outboxId, event),
    unsentOutbox(db.$client, [outboxId]),
  ]);
  const recorded = inserted?.meta.changes === 1 ? row : await findOwnPayment(db, row.userId, row.paymentId);
  return { recorded, unsent: unsent?.results ?? [] };
}

export function findOwnPayment(db: Db, userId: string, paymentId: string): Promise<PaymentRow | undefined> {
  return db
    .select()
    .from(payments)
    .where(and(eq(payments.paymentId, paymentId), eq(payments.userId, userId)))
    .get();
}

export const findPayment = (db: Db, paymentId: string) => db.select().from(payments).where(eq(payments.paymentId, paymentId)).get();

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

// ---- manual capture: D1 follows what the ledger decided. Each transition is guarded by the states it
// may leave, so a duplicate, late or reordered event (or the request and its event both) applies once.

/** PENDING → AUTHORIZED: the hold is placed. */
export const markAuthorized = (db: Db, paymentId: string) =>
  db
    .update(payments)
    .set({ status: "AUTHORIZED", updatedAt: nowIso() })
    .where(and(eq(payments.paymentId, paymentId), eq(payments.status, "PENDING")));

/** → SUCCESSFUL: the hold was posted for `capturedCents` (from AUTHORIZED, or PENDING when the AUTHORIZED event is late). */
export const markCaptured = (db: Db, paymentId: string, capturedCents: number) =>
  db
    .update(payments)
    .set({ status: "SUCCESSFUL", capturedAmountCents: capturedCents, failureReason: null, updatedAt: nowIso() })
    .where(and(eq(payments.paymentId, paymentId), eq(payments.capture, "manual"), inArray(payments.status, ["PENDING", "AUTHORIZED"])));

/** → CANCELED: the hold was released by a cancel or its expiry (`failure_reason: "EXPIRED"`). */
export const markCanceled = (db: Db, paymentId: string, reason: "CANCELED" | "EXPIRED") =>
  db
    .update(payments)
    .set({ status: "CANCELED", failureReason: reason === "EXPIRED" ? "EXPIRED" : null, updatedAt: nowIso() })
    .where(and(eq(payments.paymentId, paymentId), eq(payments.capture, "manual"), inArray(payments.status, ["PENDING", "AUTHORIZED"])));

/** Brings the payment's record to the state of its hold in the ledger. */
export async function followHold(db: Db, paymentId: string, hold: HoldView | undefined): Promise<void> {
  if (!hold) return;
  if (hold.status === "POSTED") await markCaptured(db, paymentId, hold.captured);
  else if (hold.status === "RELEASED") await markCanceled(db, paymentId, hold.release_reason ?? "CANCELED");
  else await markAuthorized(db, paymentId);
}

/** Manual payments still AUTHORIZED whose authorization expired at or before `now`. */
export const dueAuthorizations = (db: Db, now: string, limit: number) =>
  db
    .select({ paymentId: payments.paymentId, walletId: payments.walletId })
    .from(payments)
    .where(and(eq(payments.status, "AUTHORIZED"), lte(payments.authorizationExpiresAt, now)))
    .orderBy(payments.authorizationExpiresAt)
    .limit(limit);

/**
 * Mirrors one refund the ledger made: the row (once, by refund id) and the payment's refunded total,
 * which only grows (the ledger's running total, this refund included).
 */
export async function recordRefund(db: Db, row: RefundRow, refundedTotalCents: number): Promise<void> {
  await db.$client.batch([
    toStatement(db.$client, db.insert(refunds).values(row).onConflictDoNothing()),
    toStatement(
      db.$client,
      db
        .update(payments)
        .set({ refundedAmountCents: sql`max(${payments.refundedAmountCents}, ${refundedTotalCents})`, updatedAt: nowIso() })
        .where(eq(payments.paymentId, row.paymentId)),
    ),
  ]);
}

export const refundsOfWallet = (db: Db, walletId: string) => db.select().from(refunds).where(eq(refunds.walletId, walletId));
