import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { repayments } from "../../workers/lib/schema";
import { presentLoan } from "../../workers/loans/loans.presenters";
import { createLoan, findOwnRepayment, findVisibleLoan, type LoanRow, listLoans, listWalletLoans } from "../../workers/loans/loans.queries";
import { api, createWallet, expectEnvelope, signup, signupAdmin } from "../helpers/api";
import { db, NOW, walletRowFor } from "../helpers/db";
import { applyFor } from "./loans-factories";

async function loanOf(userId: string): Promise<LoanRow> {
  return createLoan(db, {
    loanId: crypto.randomUUID(),
    walletId: await walletRowFor(userId),
    userId,
    amountCents: 100_000,
    interestRateBp: 800,
    loanTermMonths: 12,
    minimumPaymentCents: 8_699,
    remainingBalanceCents: 100_000,
    pendingRepaymentCents: 0,
    status: "PENDING",
    purpose: null,
    rejectionReason: null,
    disbursedAt: null,
    disbursementError: null,
    createdAt: NOW,
    updatedAt: NOW,
  });
}

describe("loan queries are scoped to the owner", () => {
  const owner = crypto.randomUUID();
  const other = crypto.randomUUID();

  it("a loan is visible to its borrower and an admin, not to another customer", async () => {
    const loan = await loanOf(owner);
    expect(await findVisibleLoan(db, { user_id: owner, role: "customer" }, loan.loanId)).toEqual(loan);
    expect(await findVisibleLoan(db, { user_id: other, role: "admin" }, loan.loanId)).toEqual(loan);
    expect(await findVisibleLoan(db, { user_id: other, role: "customer" }, loan.loanId)).toBeUndefined();
  });

  it("another customer's list leaves the loan out", async () => {
    const loan = await loanOf(owner);
    const ids = async (viewer: { user_id: string; role: "customer" | "admin" }) =>
      (await listLoans(db, viewer, { limit: 100 })).loans.map((l) => l.loanId);
    expect(await ids({ user_id: owner, role: "customer" })).toContain(loan.loanId);
    expect(await ids({ user_id: other, role: "customer" })).not.toContain(loan.loanId);
  });

  it("a wallet's loans are refused to anyone but the wallet's owner", async () => {
    const loan = await loanOf(owner);
    expect((await listWalletLoans(db, owner, loan.walletId)).map((l) => l.loanId)).toEqual([loan.loanId]);
    await expect(listWalletLoans(db, other, loan.walletId)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a repayment is found for its payer only", async () => {
    const loan = await loanOf(owner);
    const repaymentId = crypto.randomUUID();
    await db.insert(repayments).values({
      repaymentId,
      loanId: loan.loanId,
      walletId: loan.walletId,
      userId: owner,
      amountCents: 1_000,
      status: "PENDING",
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect((await findOwnRepayment(db, owner, repaymentId))?.repaymentId).toBe(repaymentId);
    expect(await findOwnRepayment(db, other, repaymentId)).toBeUndefined();
  });
});

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Puts a loan in a servicing state: its status, stored delinquency, and an unpaid installment due on `unpaidDue`. */
async function servicedAs(loanId: string, status: string, delinquency: string, unpaidDue?: string) {
  await env.DB.prepare("UPDATE loans SET status = ?, delinquency = ? WHERE loan_id = ?").bind(status, delinquency, loanId).run();
  if (unpaidDue) {
    await env.DB.prepare(
      `INSERT INTO loan_installments (loan_id, installment, due_date, principal_before_cents, interest_cents, amount_due_cents, created_at)
       VALUES (?, 1, ?, 100000, 667, 8699, ?)`,
    )
      .bind(loanId, unpaidDue, NOW)
      .run();
  }
}

describe("the delinquency filter of the loan list", () => {
  it("is applied in SQL and agrees with the delinquency each loan presents at the clock's now", async () => {
    const owner = crypto.randomUUID();
    const viewer = { user_id: owner, role: "customer" as const };
    const now = new Date("2026-09-01T12:00:00.000Z");
    const current = await loanOf(owner);
    await servicedAs(current.loanId, "APPROVED", "CURRENT");
    const late = await loanOf(owner);
    await servicedAs(late.loanId, "APPROVED", "LATE", day(now.getTime() - 10 * DAY));
    // Stored LATE, but 90 days past due by now: DEFAULTED, as the API shows it, before servicing stores it.
    const overdue = await loanOf(owner);
    await servicedAs(overdue.loanId, "APPROVED", "LATE", day(now.getTime() - 90 * DAY));
    const defaulted = await loanOf(owner);
    await servicedAs(defaulted.loanId, "APPROVED", "DEFAULTED", day(now.getTime() - 120 * DAY));
    // A loan that is not APPROVED owes nothing past due, whatever its stored value.
    const paid = await loanOf(owner);
    await servicedAs(paid.loanId, "PAID", "LATE");
    const pending = await loanOf(owner);

    const ids = async (query: Parameters<typeof listLoans>[2]) =>
      new Set((await listLoans(db, viewer, query, now)).loans.map((l) => l.loanId));
    expect(await ids({ limit: 100, delinquency: "CURRENT" })).toEqual(new Set([current.loanId, paid.loanId, pending.loanId]));
    expect(await ids({ limit: 100, delinquency: "LATE" })).toEqual(new Set([late.loanId]));
    expect(await ids({ limit: 100, delinquency: "DEFAULTED" })).toEqual(new Set([overdue.loanId, defaulted.loanId]));
    expect(await ids({ limit: 100, delinquency: "CURRENT", status: "APPROVED" })).toEqual(new Set([current.loanId]));
    // A day earlier the overdue loan was still LATE.
    const dayBefore = new Date(now.getTime() - DAY);
    expect(new Set((await listLoans(db, viewer, { limit: 100, delinquency: "LATE" }, dayBefore)).loans.map((l) => l.loanId))).toEqual(
      new Set([late.loanId, overdue.loanId]),
    );
    // Every loan is listed under the delinquency it presents.
    for (const loan of (await listLoans(db, viewer, { limit: 100 }, now)).loans) {
      expect(await ids({ limit: 100, delinquency: presentLoan(loan, now).delinquency }), loan.loanId).toContain(loan.loanId);
    }
    // Pages of a filtered list: the cursor goes on under the same filter.
    const first = await listLoans(db, viewer, { limit: 1, delinquency: "DEFAULTED" }, now);
    expect(first.loans).toHaveLength(1);
    const second = await listLoans(db, viewer, { limit: 1, delinquency: "DEFAULTED", cursor: first.nextCursor ?? undefined }, now);
    expect(new Set([...first.loans, ...second.loans].map((l) => l.loanId))).toEqual(new Set([overdue.loanId, defaulted.loanId]));
    expect(second.nextCursor).toBeNull();
  });

  it("GET /v1/loan?delinquency= lists an admin every user's loans of that delinquency; anything else is a 400", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user);
    const late = await applyFor(user, walletId, "100.00");
    const fine = await applyFor(user, walletId, "100.00");
    await servicedAs(late.loan_id, "APPROVED", "LATE");
    await servicedAs(fine.loan_id, "APPROVED", "CURRENT");
    const listed = async (query: string, token = admin.token) =>
      ((await api(`/loan?${query}&limit=100`, { token })).body.loans as { loan_id: string; delinquency: string }[]).filter((l) =>
        [late.loan_id, fine.loan_id].includes(l.loan_id),
      );
    expect(await listed("delinquency=LATE")).toEqual([expect.objectContaining({ loan_id: late.loan_id, delinquency: "LATE" })]);
    expect(await listed("delinquency=CURRENT&status=APPROVED")).toEqual([
      expect.objectContaining({ loan_id: fine.loan_id, delinquency: "CURRENT" }),
    ]);
    expect(await listed("delinquency=DEFAULTED")).toEqual([]);
    // A customer filters their own loans the same way.
    expect((await listed("delinquency=LATE", user.token)).map((l) => l.loan_id)).toEqual([late.loan_id]);
    for (const bad of ["late", "PAID", ""])
      expectEnvelope(await api(`/loan?delinquency=${bad}`, { token: admin.token }), 400, "VALIDATION_ERROR");
  });
});
