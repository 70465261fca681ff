import { and, eq, isNull } from "drizzle-orm";
import { recordBusinessEvents } from "../lib/business-events";
import { createDb } from "../lib/db";
import type { AppEvent, EventOf, ServiceEvents } from "../lib/events";
import { nowIso } from "../lib/ids";
import { loans, repayments } from "../lib/schema";
import { presentLoan, presentRepayment } from "./loans.presenters";

/** LOAN_DISBURSED → `disbursed_at`, set once. */
export async function onLoanDisbursed(env: Env, event: EventOf<"LOAN_DISBURSED">): Promise<void> {
  const now = nowIso();
  const db = createDb(env.DB);
  await db
    .update(loans)
    .set({ disbursedAt: now, disbursementError: null, updatedAt: now })
    .where(and(eq(loans.loanId, event.payload.loan_id), isNull(loans.disbursedAt)));
  const loan = await db.select().from(loans).where(eq(loans.loanId, event.payload.loan_id)).get();
  if (loan?.disbursedAt)
    await recordBusinessEvents(env, [{ type: "loan.disbursed", userId: loan.userId, businessId: loan.loanId, data: presentLoan(loan) }]);
}

/**
 * LOAN_REPAYMENT_SUCCESSFUL / _FAILED → the repayment's terminal status and, for a success, the
 * loan lowered once. Both statements run in one batch; the loan update only applies when the
 * repayment's PENDING → terminal transition happened in this batch (`changes() = 1`).
 */
export async function onRepaymentOutcome(env: Env, event: EventOf<"LOAN_REPAYMENT_SUCCESSFUL" | "LOAN_REPAYMENT_FAILED">): Promise<void> {
  await settleRepayment(env, event.payload.repayment_id, event.type === "LOAN_REPAYMENT_SUCCESSFUL" ? null : event.payload.failure_reason);
  await recordRepaymentEvents(env, event.payload.repayment_id);
}

/** The business events of a settled repayment (and of the loan it paid off), keyed, so once. */
async function recordRepaymentEvents(env: Env, repaymentId: string): Promise<void> {
  const db = createDb(env.DB);
  const repayment = await db.select().from(repayments).where(eq(repayments.repaymentId, repaymentId)).get();
  if (!repayment || repayment.status === "PENDING") return;
  const loan = await db.select().from(loans).where(eq(loans.loanId, repayment.loanId)).get();
  const succeeded = repayment.status === "SUCCESSFUL";
  await recordBusinessEvents(env, [
    {
      type: succeeded ? "loan.repayment_succeeded" : "loan.repayment_failed",
      userId: repayment.userId,
      businessId: repaymentId,
      data: presentRepayment(repayment),
    },
    ...(succeeded && loan?.status === "PAID"
      ? [{ type: "loan.paid" as const, userId: loan.userId, businessId: loan.loanId, data: presentLoan(loan) }]
      : []),
  ]);
}

/** `failureReason` null settles the repayment as SUCCESSFUL, otherwise FAILED with that reason. */
async function settleRepayment(env: Env, repaymentId: string, failureReason: string | null): Promise<void> {
  const now = nowIso();
  const db = env.DB;
  const amount = "(SELECT amount_cents FROM repayments WHERE repayment_id = ?1)";
  const loanId = "(SELECT loan_id FROM repayments WHERE repayment_id = ?1)";
  if (failureReason === null) {
    await db.batch([
      db
        .prepare("UPDATE repayments SET status = 'SUCCESSFUL', updated_at = ?2 WHERE repayment_id = ?1 AND status = 'PENDING'")
        .bind(repaymentId, now),
      db
        .prepare(
          `UPDATE loans SET
             remaining_balance_cents = remaining_balance_cents - ${amount},
             pending_repayment_cents = pending_repayment_cents - ${amount},
             status = CASE WHEN remaining_balance_cents - ${amount} = 0 THEN 'PAID' ELSE status END,
             updated_at = ?2
           WHERE loan_id = ${loanId} AND changes() = 1`,
        )
        .bind(repaymentId, now),
    ]);
  } else {
    await db.batch([
      db
        .prepare(
          "UPDATE repayments SET status = 'FAILED', failure_reason = ?3, updated_at = ?2 WHERE repayment_id = ?1 AND status = 'PENDING'",
        )
        .bind(repaymentId, now, failureReason),
      db
        .prepare(
          `UPDATE loans SET pending_repayment_cents = pending_repayment_cents - ${amount}, updated_at = ?2 WHERE loan_id = ${loanId} AND changes() = 1`,
        )
        .bind(repaymentId, now),
    ]);
  }
}

/** A LOAN_APPROVED that dead-lettered: the loan stays APPROVED, flagged until an admin replays it. */
async function flagDisbursementFailure(env: Env, event: EventOf<"LOAN_APPROVED">): Promise<AppEvent[]> {
  const error = "disbursement dead-lettered; replay it from the admin page";
  await createDb(env.DB)
    .update(loans)
    .set({ disbursementError: error, updatedAt: nowIso() })
    .where(and(eq(loans.loanId, event.payload.loan_id), isNull(loans.disbursedAt)));
  return [];
}

export const loanEvents: ServiceEvents = {
  subscribers: {
    LOAN_DISBURSED: [{ name: "loans.disbursed", handle: onLoanDisbursed }],
    LOAN_REPAYMENT_SUCCESSFUL: [{ name: "loans.repayment-outcome", handle: onRepaymentOutcome }],
    LOAN_REPAYMENT_FAILED: [{ name: "loans.repayment-outcome", handle: onRepaymentOutcome }],
  },
  deadLetters: { LOAN_APPROVED: flagDisbursementFailure },
};
