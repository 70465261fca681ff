import { describe, expect, it } from "vitest";
import { repayments } from "../../workers/lib/schema";
import { createLoan, findOwnRepayment, findVisibleLoan, type LoanRow, listLoans, listWalletLoans } from "../../workers/loans/loans.queries";
import { db, NOW, walletRowFor } from "../helpers/db";

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
