import { amortisationSchedule, interestRateBp, minimumPaymentCents } from "../domain/loan-pricing";
import { formatCents } from "../domain/money";
import type { AppRouteHandler } from "../lib/app";
import { recordBusinessEvents } from "../lib/business-events";
import { createDb, type Db } from "../lib/db";
import { AppError, invalidState, notFound } from "../lib/errors";
import { makeEvent } from "../lib/events";
import { isId, nowIso, resourceIdFor } from "../lib/ids";
import { flushOutbox } from "../lib/outbox";
import { assertWalletOwner } from "../lib/queries";
import { presentLoan, presentRepayment, presentScheduleRow } from "./loans.presenters";
import type { LoanRow, RepaymentRow, Viewer } from "./loans.queries";
import * as queries from "./loans.queries";
import type * as routes from "./loans.routes";

/** A loan the caller may see: their own, or any loan for an admin. Foreign loans are 404. */
async function visibleLoan(db: Db, viewer: Viewer, loanId: string): Promise<LoanRow> {
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
  const loanId = await resourceIdFor("loan", user.user_id, key);
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
    pendingRepaymentCents: 0,
    status: "PENDING",
    purpose: body.purpose ?? null,
    rejectionReason: null,
    disbursedAt: null,
    disbursementError: null,
    createdAt: now,
    updatedAt: now,
  });
  return c.json({ loan: presentLoan(stored) }, 201);
};

export const listLoans: AppRouteHandler<typeof routes.listLoans> = async (c) => {
  const page = await queries.listLoans(createDb(c.env.DB), c.get("user"), c.req.valid("query"));
  return c.json({ loans: page.loans.map(presentLoan), next_cursor: page.nextCursor }, 200);
};

export const getLoan: AppRouteHandler<typeof routes.getLoan> = async (c) => {
  const loan = await visibleLoan(createDb(c.env.DB), c.get("user"), c.req.valid("param").loan_id);
  return c.json({ loan: presentLoan(loan) }, 200);
};

export const loansByWallet: AppRouteHandler<typeof routes.loansByWallet> = async (c) => {
  const rows = await queries.listWalletLoans(createDb(c.env.DB), c.get("user").user_id, c.req.valid("param").wallet_id);
  return c.json({ loans: rows.map(presentLoan) }, 200);
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
  const approved = presentLoan({ ...loan, status: "APPROVED", updatedAt: now });
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
  const rejected = presentLoan({ ...loan, status: "REJECTED", rejectionReason: reason, updatedAt: now });
  await recordBusinessEvents(c.env, [{ type: "loan.rejected", userId: loan.userId, businessId: loan.loanId, data: rejected }]);
  return c.json({ loan: rejected }, 200);
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
  const repaymentId = await resourceIdFor(`repay:${loan_id}`, user.user_id, key);
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
  };
  if (!(await queries.reserveRepayment(db, repayment, { outboxId, event }))) {
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
  c.executionCtx.waitUntil(flushOutbox(c.env, [outboxId]));
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
  const rows = amortisationSchedule(loan.amountCents, loan.interestRateBp, loan.loanTermMonths, loan.minimumPaymentCents);
  return c.json({ schedule: rows.map(presentScheduleRow) }, 200);
};
