import { and, eq, isNull } from "drizzle-orm";
import { dueDate, dueMoment } from "../domain/loan-servicing";
import { recordBusinessEvents } from "../lib/business-events";
import { clockNow } from "../lib/clock";
import { createDb } from "../lib/db";
import type { AppEvent, EventOf, ServiceEvents } from "../lib/events";
import { nowIso } from "../lib/ids";
import { loans, repayments } from "../lib/schema";
import { presentLoan, presentRepayment } from "./loans.presenters";
import { findLoan } from "./loans.queries";
import { applySuccessfulRepayment } from "./loans.servicing";

/**
 * LOAN_DISBURSED → `disbursed_at`, set once, by the clock every date rule reads: the due dates count
 * from it, and servicing starts with installment 1.
 */
export async function onLoanDisbursed(env: Env, event: EventOf<"LOAN_DISBURSED">): Promise<void> {
  const disbursedAt = (await clockNow(env)).toISOString();
  const firstDue = new Date(dueMoment(dueDate(disbursedAt, 1))).toISOString();
  await env.DB.prepare(
    `UPDATE loans SET disbursed_at = ?1, disbursement_error = NULL, first_installment = 1, installments_charged = 0,
       next_service_at = CASE WHEN status = 'APPROVED' THEN ?2 ELSE NULL END, version = version + 1, updated_at = ?3
     WHERE loan_id = ?4 AND disbursed_at IS NULL`,
  )
    .bind(disbursedAt, firstDue, nowIso(), event.payload.loan_id)
    .run();
  const loan = await findLoan(createDb(env.DB), event.payload.loan_id);
  if (loan?.disbursedAt)
    await recordBusinessEvents(env, [
      { type: "loan.disbursed", userId: loan.userId, businessId: loan.loanId, data: presentLoan(loan, await clockNow(env)) },
    ]);
}

/**
 * LOAN_REPAYMENT_SUCCESSFUL / _FAILED → the repayment's terminal status and, for a success, the
 * loan's books lowered once (fees, interest, principal: loans.servicing.ts). A failure only releases
 * what the repayment reserved; the loan update applies only when the repayment's PENDING → FAILED
 * transition happened in this batch (`changes() = 1`).
 */
export async function onRepaymentOutcome(env: Env, event: EventOf<"LOAN_REPAYMENT_SUCCESSFUL" | "LOAN_REPAYMENT_FAILED">): Promise<void> {
  if (event.type === "LOAN_REPAYMENT_SUCCESSFUL") await applySuccessfulRepayment(env, event.payload.repayment_id);
  else await failRepayment(env, event.payload.repayment_id, event.payload.failure_reason);
  await recordRepaymentEvents(env, event.payload.repayment_id);
}

/** The business events of a settled repayment (and of the loan it paid off), keyed, so once. */
async function recordRepaymentEvents(env: Env, repaymentId: string): Promise<void> {
  const db = createDb(env.DB);
  const repayment = await db.select().from(repayments).where(eq(repayments.repaymentId, repaymentId)).get();
  if (!repayment || repayment.status === "PENDING") return;
  const loan = await findLoan(db, repayment.loanId);
  const succeeded = repayment.status === "SUCCESSFUL";
  await recordBusinessEvents(env, [
    {
      type: succeeded ? "loan.repayment_succeeded" : "loan.repayment_failed",
      userId: repayment.userId,
      businessId: repaymentId,
      data: presentRepayment(repayment),
    },
    ...(succeeded && loan?.status === "PAID"
      ? [{ type: "loan.paid" as const, userId: loan.userId, businessId: loan.loanId, data: presentLoan(loan, await clockNow(env)) }]
      : []),
  ]);
}

async function failRepayment(env: Env, repaymentId: string, failureReason: string): Promise<void> {
  const now = nowIso();
  const db = env.DB;
  const amount = "(SELECT amount_cents FROM repayments WHERE repayment_id = ?1)";
  const loanId = "(SELECT loan_id FROM repayments WHERE repayment_id = ?1)";
  await db.batch([
    db
      .prepare(
        "UPDATE repayments SET status = 'FAILED', failure_reason = ?3, updated_at = ?2 WHERE repayment_id = ?1 AND status = 'PENDING'",
      )
      .bind(repaymentId, now, failureReason),
    db
      .prepare(
        `UPDATE loans SET pending_repayment_cents = pending_repayment_cents - ${amount}, version = version + 1, updated_at = ?2
         WHERE loan_id = ${loanId} AND changes() = 1`,
      )
      .bind(repaymentId, now),
  ]);
}

/**
 * LOAN_SERVICED → the customer's `loan.installment_due` or `loan.late_fee_charged`, once per
 * installment (the business id), with the loan as it reads when the event is recorded.
 */
export async function onLoanServiced(env: Env, event: EventOf<"LOAN_SERVICED">): Promise<void> {
  const { loan_id: loanId, step, installment } = event.payload;
  const loan = await findLoan(createDb(env.DB), loanId);
  if (!loan) return;
  await recordBusinessEvents(env, [
    {
      type: step === "INSTALLMENT_DUE" ? "loan.installment_due" : "loan.late_fee_charged",
      userId: loan.userId,
      businessId: `${loanId}:${installment}`,
      data: presentLoan(loan, await clockNow(env)),
    },
  ]);
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
    LOAN_SERVICED: [{ name: "loans.serviced", handle: onLoanServiced }],
    LOAN_REPAYMENT_SUCCESSFUL: [{ name: "loans.repayment-outcome", handle: onRepaymentOutcome }],
    LOAN_REPAYMENT_FAILED: [{ name: "loans.repayment-outcome", handle: onRepaymentOutcome }],
  },
  deadLetters: { LOAN_APPROVED: flagDisbursementFailure },
};
