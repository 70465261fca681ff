import { and, desc, eq } from "drizzle-orm";
import { amortisationSchedule, interestRateBp, minimumPaymentCents } from "../domain/loan-pricing";
import { formatCents } from "../domain/money";
import { formatRate } from "../domain/rates";
import type { AuthUser } from "../lib/app";
import { createRouter } from "../lib/app";
import { createDb, type Db } from "../lib/db";
import { AppError, invalidState, notFound } from "../lib/errors";
import { makeEvent } from "../lib/events";
import { isId, nowIso, resourceIdFor } from "../lib/ids";
import { flushOutbox, outboxInsertIfChanged } from "../lib/outbox";
import { keysetAfter, nextCursor } from "../lib/pagination";
import { assertWalletOwner } from "../lib/queries";
import { loans, repayments } from "../lib/schema";
import * as routes from "./loans.routes";

type LoanRow = typeof loans.$inferSelect;
type RepaymentRow = typeof repayments.$inferSelect;

export const presentLoan = (row: LoanRow) => ({
  loan_id: row.loanId,
  wallet_id: row.walletId,
  user_id: row.userId,
  amount: formatCents(row.amountCents),
  interest_rate: formatRate(row.interestRateBp),
  loan_term_months: row.loanTermMonths,
  minimum_payment: formatCents(row.minimumPaymentCents),
  remaining_balance: formatCents(row.remainingBalanceCents),
  status: row.status,
  purpose: row.purpose,
  disbursed_at: row.disbursedAt,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
});

export const presentRepayment = (row: RepaymentRow) => ({
  repayment_id: row.repaymentId,
  loan_id: row.loanId,
  wallet_id: row.walletId,
  amount: formatCents(row.amountCents),
  status: row.status,
  failure_reason: row.failureReason,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
});

/** A loan the caller may see: their own, or any loan for an admin. Foreign loans are 404. */
async function visibleLoan(db: Db, user: AuthUser, loanId: string): Promise<LoanRow> {
  if (!isId(loanId)) throw notFound("Loan");
  const row = await db.select().from(loans).where(eq(loans.loanId, loanId)).get();
  if (!row || (row.userId !== user.user_id && user.role !== "admin")) throw notFound("Loan");
  return row;
}

export const loansRouter = createRouter()
  .openapi(routes.applyForLoan, async (c) => {
    const body = c.req.valid("json");
    const user = c.get("user");
    const db = createDb(c.env.DB);
    await assertWalletOwner(db, user.user_id, body.wallet_id);
    const key = c.get("idempotencyKey");
    const loanId = await resourceIdFor("loan", user.user_id, key);
    const rateBp = interestRateBp(body.loan_term_months);
    const now = nowIso();
    const row: LoanRow = {
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
    };
    await db.insert(loans).values(row).onConflictDoNothing();
    const stored = await db.select().from(loans).where(eq(loans.loanId, loanId)).get();
    return c.json({ loan: presentLoan(stored ?? row) }, 201);
  })
  .openapi(routes.listLoans, async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    const user = c.get("user");
    const rows = await createDb(c.env.DB)
      .select()
      .from(loans)
      .where(
        and(
          user.role === "admin" ? undefined : eq(loans.userId, user.user_id),
          status ? eq(loans.status, status) : undefined,
          keysetAfter(cursor, loans.createdAt, loans.loanId),
        ),
      )
      .orderBy(desc(loans.createdAt), desc(loans.loanId))
      .limit(limit + 1);
    return c.json(
      { loans: rows.slice(0, limit).map(presentLoan), next_cursor: nextCursor(rows, limit, (r) => ({ t: r.createdAt, i: r.loanId })) },
      200,
    );
  })
  .openapi(routes.getLoan, async (c) => {
    const loan = await visibleLoan(createDb(c.env.DB), c.get("user"), c.req.valid("param").loan_id);
    return c.json({ loan: presentLoan(loan) }, 200);
  })
  .openapi(routes.loansByWallet, async (c) => {
    const { wallet_id } = c.req.valid("param");
    const user = c.get("user");
    const db = createDb(c.env.DB);
    await assertWalletOwner(db, user.user_id, wallet_id);
    const rows = await db.select().from(loans).where(eq(loans.walletId, wallet_id)).orderBy(desc(loans.createdAt)).limit(500);
    return c.json({ loans: rows.map(presentLoan) }, 200);
  })
  .openapi(routes.approveLoan, async (c) => {
    const db = createDb(c.env.DB);
    const loan = await visibleLoan(db, c.get("user"), c.req.valid("param").loan_id);
    const now = nowIso();
    const event = makeEvent(
      "LOAN_APPROVED",
      { loan_id: loan.loanId, wallet_id: loan.walletId, amount: formatCents(loan.amountCents) },
      { correlationId: loan.loanId, requestId: c.get("requestId") },
    );
    const outboxId = `loan-approved:${loan.loanId}`;
    // The status guard and the event commit together: only the request that moved PENDING → APPROVED queues the event.
    const [update] = await c.env.DB.batch([
      c.env.DB.prepare("UPDATE loans SET status = 'APPROVED', updated_at = ? WHERE loan_id = ? AND status = 'PENDING'").bind(
        now,
        loan.loanId,
      ),
      outboxInsertIfChanged(c.env.DB, outboxId, event),
    ]);
    if (update?.meta.changes !== 1) throw invalidState(`Only a PENDING loan can be approved (this one is ${loan.status})`);
    c.executionCtx.waitUntil(flushOutbox(c.env, [outboxId]));
    return c.json({ loan: presentLoan({ ...loan, status: "APPROVED", updatedAt: now }) }, 200);
  })
  .openapi(routes.rejectLoan, async (c) => {
    const db = createDb(c.env.DB);
    const loan = await visibleLoan(db, c.get("user"), c.req.valid("param").loan_id);
    const reason = c.req.valid("json")?.reason ?? null;
    const now = nowIso();
    const updated = await db
      .update(loans)
      .set({ status: "REJECTED", rejectionReason: reason, updatedAt: now })
      .where(and(eq(loans.loanId, loan.loanId), eq(loans.status, "PENDING")))
      .returning();
    const row = updated[0];
    if (!row) throw invalidState(`Only a PENDING loan can be rejected (this one is ${loan.status})`);
    return c.json({ loan: presentLoan(row) }, 200);
  })
  .openapi(routes.repayLoan, async (c) => {
    const user = c.get("user");
    const { loan_id } = c.req.valid("param");
    const { amount } = c.req.valid("json");
    const db = createDb(c.env.DB);
    const loan = await visibleLoan(db, { ...user, role: "customer" }, loan_id);
    const key = c.get("idempotencyKey");
    const repaymentId = await resourceIdFor(`repay:${loan_id}`, user.user_id, key);
    const now = nowIso();
    const event = makeEvent(
      "LOAN_REPAYMENT_REQUESTED",
      { repayment_id: repaymentId, loan_id, wallet_id: loan.walletId, amount: formatCents(amount) },
      { correlationId: repaymentId, requestId: c.get("requestId") },
    );
    const outboxId = `repayment-requested:${repaymentId}`;
    // Reserve first: the loan row's CHECK and guard make concurrent repays unable to exceed what is owed.
    const [reserve] = await c.env.DB.batch([
      c.env.DB.prepare(
        `UPDATE loans SET pending_repayment_cents = pending_repayment_cents + ?1, updated_at = ?2
         WHERE loan_id = ?3 AND status = 'APPROVED' AND remaining_balance_cents - pending_repayment_cents >= ?1
           AND NOT EXISTS (SELECT 1 FROM repayments WHERE repayment_id = ?4)`,
      ).bind(amount, now, loan_id, repaymentId),
      c.env.DB.prepare(
        `INSERT INTO repayments (repayment_id, loan_id, wallet_id, user_id, amount_cents, status, created_at, updated_at)
         SELECT ?, ?, ?, ?, ?, 'PENDING', ?, ? WHERE changes() = 1`,
      ).bind(repaymentId, loan_id, loan.walletId, user.user_id, amount, now, now),
      outboxInsertIfChanged(c.env.DB, outboxId, event),
    ]);
    if (reserve?.meta.changes !== 1) {
      const existing = await db.select().from(repayments).where(eq(repayments.repaymentId, repaymentId)).get();
      if (existing) return c.json({ repayment: presentRepayment(existing) }, 202);
      const fresh = await db.select().from(loans).where(eq(loans.loanId, loan_id)).get();
      if (fresh?.status !== "APPROVED")
        throw invalidState(`Only an APPROVED loan can be repaid (this one is ${fresh?.status ?? loan.status})`);
      throw new AppError(
        "REPAYMENT_EXCEEDS_BALANCE",
        `At most ${formatCents(fresh.remainingBalanceCents - fresh.pendingRepaymentCents)} can be repaid (pending repayments included)`,
      );
    }
    c.executionCtx.waitUntil(flushOutbox(c.env, [outboxId]));
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
    return c.json({ repayment: presentRepayment(repayment) }, 202);
  })
  .openapi(routes.listRepayments, async (c) => {
    const db = createDb(c.env.DB);
    const loan = await visibleLoan(db, c.get("user"), c.req.valid("param").loan_id);
    const rows = await db
      .select()
      .from(repayments)
      .where(eq(repayments.loanId, loan.loanId))
      .orderBy(desc(repayments.createdAt))
      .limit(500);
    return c.json({ repayments: rows.map(presentRepayment) }, 200);
  })
  .openapi(routes.loanSchedule, async (c) => {
    const loan = await visibleLoan(createDb(c.env.DB), c.get("user"), c.req.valid("param").loan_id);
    const rows = amortisationSchedule(loan.amountCents, loan.interestRateBp, loan.loanTermMonths, loan.minimumPaymentCents);
    return c.json(
      {
        schedule: rows.map((r) => ({
          month: r.month,
          payment: formatCents(r.payment),
          interest: formatCents(r.interest),
          principal: formatCents(r.principal),
          balance_after: formatCents(r.balanceAfter),
        })),
      },
      200,
    );
  });
