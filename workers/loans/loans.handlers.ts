import { interestRateBp, minimumPaymentCents } from "../domain/loan-pricing";
import { dueDatesPassed, liveSchedule, openBooks, payoffOf } from "../domain/loan-servicing";
import { formatCents } from "../domain/money";
import type { AppRouteHandler } from "../lib/app";
import { recordBusinessEvents } from "../lib/business-events";
import { clockNow } from "../lib/clock";
import { createDb, type Db } from "../lib/db";
import { AppError, invalidState, notFound } from "../lib/errors";
import { makeEvent } from "../lib/events";
import { isId, nowIso, resourceIdFor } from "../lib/ids";
import { flushOutbox, sendOutboxRows } from "../lib/outbox";
import { assertWalletOwner } from "../lib/queries";
import { presentLoan, presentRepayment, presentScheduleRow } from "./loans.presenters";
import type { LoanView, RepaymentRow, Viewer } from "./loans.queries";
import * as queries from "./loans.queries";
import type * as routes from "./loans.routes";
import { readLoanBooks, servicingRules, termsOf } from "./loans.servicing";

/** A loan the caller may see: their own, or any loan for an admin. Foreign loans are 404. */
async function visibleLoan(db: Db, viewer: Viewer, loanId: string): Promise<LoanView> {
  if (!isId(loanId)) throw notFound("Loan");
  const row = await queries.findVisibleLoan(db, viewer, loanId);
  if (!row) throw notFound("Loan");
  return row;
}

export const applyForLoan: AppRouteHandler<typeof routes.applyForLoan> = async (c) => {
  const body = c.req.valid("json");
  const user = c.get("user");
  const db = createDb(c.env.DB);
  await assertWalletOwner(db, user.user_id, body.wallet_id);
  const key = c.get("idempotencyKey");
  const loanId = resourceIdFor("loan", user.user_id, key);
  const rateBp = interestRateBp(body.loan_term_months);
  const now = nowIso();
  const stored = await queries.createLoan(db, {
    loanId,
    walletId: body.wallet_id,
    userId: user.user_id,
    amountCents: body.amount,
    interestRateBp: rateBp,
    loanTermMonths: body.loan_term_months,
    minimumPaymentCents: minimumPaymentCents(body.amount, rateBp, body.loan_term_months),
    remainingBalanceCents: body.amount,
    outstandingPrincipalCents: body.amount,
    pendingRepaymentCents: 0,
    status: "PENDING",
    purpose: body.purpose ?? null,
    rejectionReason: null,
    disbursedAt: null,
    disbursementError: null,
    createdAt: now,
    updatedAt: now,
  });
  return c.json({ loan: presentLoan(stored, await clockNow(c.env)) }, 201);
};

export const listLoans: AppRouteHandler<typeof routes.listLoans> = async (c) => {
  const now = await clockNow(c.env);
  const page = await queries.listLoans(createDb(c.env.DB), c.get("user"), c.req.valid("query"), now);
  const admin = c.get("user").role === "admin";
  return c.json({ loans: page.loans.map((loan) => presentLoan(loan, now, { admin })), next_cursor: page.nextCursor }, 200);
};

export const getLoan: AppRouteHandler<typeof routes.getLoan> = async (c) => {
  const [loan, now] = await Promise.all([visibleLoan(createDb(c.env.DB), c.get("user"), c.req.valid("param").loan_id), clockNow(c.env)]);
  return c.json({ loan: presentLoan(loan, now, { admin: c.get("user").role === "admin" }) }, 200);
};

export const loansByWallet: AppRouteHandler<typeof routes.loansByWallet> = async (c) => {
  const [rows, now] = await Promise.all([
    queries.listWalletLoans(createDb(c.env.DB), c.get("user").user_id, c.req.valid("param").wallet_id),
    clockNow(c.env),
  ]);
  return c.json({ loans: rows.map((loan) => presentLoan(loan, now)) }, 200);
};

export const approveLoan: AppRouteHandler<typeof routes.approveLoan> = async (c) => {
  const db = createDb(c.env.DB);
  const loan = await visibleLoan(db, c.get("user"), c.req.valid("param").loan_id);
  const now = nowIso();
  const event = makeEvent(
    "LOAN_APPROVED",
    { loan_id: loan.loanId, wallet_id: loan.walletId, amount: formatCents(loan.amountCents) },
    { correlationId: loan.loanId, requestId: c.get("requestId") },
  );
  const outboxId = `loan-approved:${loan.loanId}`;
  if (!(await queries.approvePendingLoan(db, loan.loanId, c.get("user").user_id, now, { outboxId, event }))) {
    throw invalidState(`Only a PENDING loan can be approved (this one is ${loan.status})`);
  }
  c.executionCtx.waitUntil(flushOutbox(c.env, [outboxId]));
  const approved = presentLoan({ ...loan, status: "APPROVED", updatedAt: now }, await clockNow(c.env));
  await recordBusinessEvents(c.env, [{ type: "loan.approved", userId: loan.userId, businessId: loan.loanId, data: approved }]);
  return c.json({ loan: approved }, 200);
};

export const rejectLoan: AppRouteHandler<typeof routes.rejectLoan> = async (c) => {
  const db = createDb(c.env.DB);
  const loan = await visibleLoan(db, c.get("user"), c.req.valid("param").loan_id);
  const reason = c.req.valid("json")?.reason ?? null;
  const now = nowIso();
  if (!(await queries.rejectPendingLoan(db, loan.loanId, c.get("user").user_id, reason, now))) {
    throw invalidState(`Only a PENDING loan can be rejected (this one is ${loan.status})`);
  }
  const rejected = {
    ...loan,
    status: "REJECTED" as const,
    rejectionReason: reason,
    remainingBalanceCents: 0,
    outstandingPrincipalCents: 0,
    updatedAt: now,
  };
  const presented = presentLoan(rejected, await clockNow(c.env));
  await recordBusinessEvents(c.env, [{ type: "loan.rejected", userId: loan.userId, businessId: loan.loanId, data: presented }]);
  return c.json({ loan: presented }, 200);
};

export const repayLoan: AppRouteHandler<typeof routes.repayLoan> = async (c) => {
  const user = c.get("user");
  const { loan_id } = c.req.valid("param");
  const { amount } = c.req.valid("json");
  const db = createDb(c.env.DB);
  // Only the borrower repays, admins included.
  const borrower: Viewer = { user_id: user.user_id, role: "customer" };
  const loan = await visibleLoan(db, borrower, loan_id);
  const key = c.get("idempotencyKey");
  const repaymentId = resourceIdFor(`repay:${loan_id}`, user.user_id, key);
  const now = nowIso();
  const event = makeEvent(
    "LOAN_REPAYMENT_REQUESTED",
    { repayment_id: repaymentId, loan_id, wallet_id: loan.walletId, amount: formatCents(amount) },
    { correlationId: repaymentId, requestId: c.get("requestId") },
  );
  const outboxId = `repayment-requested:${repaymentId}`;
  const repayment: RepaymentRow = {
    repaymentId,
    loanId: loan_id,
    walletId: loan.walletId,
    userId: user.user_id,
    amountCents: amount,
    status: "PENDING",
    failureReason: null,
    createdAt: now,
    updatedAt: now,
    source: "MANUAL",
    installment: null,
    feesPaidCents: 0,
    interestPaidCents: 0,
    principalPaidCents: 0,
  };
  const { reserved, unsent } = await queries.reserveRepayment(db, repayment, { outboxId, event });
  if (!reserved) {
    const existing = await queries.findOwnRepayment(db, user.user_id, repaymentId);
    if (existing) return c.json({ repayment: presentRepayment(existing) }, 202);
    const fresh = await queries.findVisibleLoan(db, borrower, loan_id);
    if (fresh?.status !== "APPROVED")
      throw invalidState(`Only an APPROVED loan can be repaid (this one is ${fresh?.status ?? loan.status})`);
    throw new AppError(
      "REPAYMENT_EXCEEDS_BALANCE",
      `At most ${formatCents(fresh.remainingBalanceCents - fresh.pendingRepaymentCents)} can be repaid (pending repayments included)`,
    );
  }
  c.executionCtx.waitUntil(sendOutboxRows(c.env, unsent));
  return c.json({ repayment: presentRepayment(repayment) }, 202);
};

export const listRepayments: AppRouteHandler<typeof routes.listRepayments> = async (c) => {
  const db = createDb(c.env.DB);
  const loan = await visibleLoan(db, c.get("user"), c.req.valid("param").loan_id);
  const rows = await queries.listLoanRepayments(db, loan.loanId);
  return c.json({ repayments: rows.map(presentRepayment) }, 200);
};

export const loanSchedule: AppRouteHandler<typeof routes.loanSchedule> = async (c) => {
  const loan = await visibleLoan(createDb(c.env.DB), c.get("user"), c.req.valid("param").loan_id);
  if (loan.status === "REJECTED") return c.json({ schedule: [] }, 200);
  const [read, now] = await Promise.all([readLoanBooks(c.env.DB, loan.loanId), clockNow(c.env)]);
  if (!read) throw notFound("Loan");
  const rules = servicingRules(c.env);
  const disbursedAt = read.loan.disbursed_at;
  const terms = { ...termsOf(read.loan, disbursedAt ?? ""), disbursedAt };
  const books = disbursedAt === null ? openBooks(read.loan.amount_cents) : read.books;
  const first = read.loan.first_installment ?? (disbursedAt === null ? 1 : dueDatesPassed(disbursedAt, now.getTime()) + 1);
  const rows = liveSchedule(books, terms, now.getTime(), rules, first);
  return c.json({ schedule: rows.map(presentScheduleRow) }, 200);
};

export const loanPayoff: AppRouteHandler<typeof routes.loanPayoff> = async (c) => {
  const loan = await visibleLoan(createDb(c.env.DB), c.get("user"), c.req.valid("param").loan_id);
  const now = await clockNow(c.env);
  const owes = loan.status === "APPROVED";
  const quote = owes
    ? payoffOf({ principal: loan.outstandingPrincipalCents, interestDue: loan.interestDueCents, feesDue: loan.feesDueCents })
    : payoffOf({ principal: 0, interestDue: 0, feesDue: 0 });
  return c.json(
    {
      payoff_amount: formatCents(Math.max(0, quote.payoff - (owes ? loan.pendingRepaymentCents : 0))),
      principal: formatCents(quote.principal),
      interest_due: formatCents(quote.interestDue),
      fees_due: formatCents(quote.feesDue),
      as_of: now.toISOString(),
    },
    200,
  );
};

export const setAutopay: AppRouteHandler<typeof routes.setAutopay> = async (c) => {
  const user = c.get("user");
  const db = createDb(c.env.DB);
  const borrower: Viewer = { user_id: user.user_id, role: "customer" };
  const loan = await visibleLoan(db, borrower, c.req.valid("param").loan_id);
  const { enabled } = c.req.valid("json");
  const now = nowIso();
  if (!(await queries.setAutopay(db, user.user_id, loan.loanId, enabled, now))) {
    throw invalidState(`Autopay can only be set on an open loan (this one is ${loan.status})`);
  }
  return c.json({ loan: presentLoan({ ...loan, autopay: enabled, updatedAt: now }, await clockNow(c.env)) }, 200);
};
