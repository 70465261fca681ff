import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../workers/lib/db";
import { listApprovedLoansForWallet } from "../../workers/lib/queries";
import { loans, wallets } from "../../workers/lib/schema";

const db = createDb(env.DB);
const now = "2026-01-01T00:00:00.000Z";

describe("shared queries are scoped to the owner", () => {
  it("a wallet's approved loans are read by the wallet's owner only", async () => {
    const owner = crypto.randomUUID();
    const walletId = crypto.randomUUID();
    const loanId = crypto.randomUUID();
    await db.insert(wallets).values({ walletId, userId: owner, currency: "USD", createdAt: now });
    await db.insert(loans).values({
      loanId,
      walletId,
      userId: owner,
      amountCents: 100_000,
      interestRateBp: 800,
      loanTermMonths: 12,
      minimumPaymentCents: 8_699,
      remainingBalanceCents: 100_000,
      status: "APPROVED",
      createdAt: now,
      updatedAt: now,
    });
    expect((await listApprovedLoansForWallet(db, owner, walletId)).map((l) => l.loan_id)).toEqual([loanId]);
    await expect(listApprovedLoansForWallet(db, crypto.randomUUID(), walletId)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
