/**
 * Read-only queries one service offers another through the shared schema, scoped to the owner.
 * Services never import each other's folders; what they need to read of each other lives here.
 */
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "./db";
import { notFound } from "./errors";
import { isId } from "./ids";
import { loans, wallets } from "./schema";

/** Throws 404 unless `walletId` is a wallet of `userId` (foreign wallets look exactly like unknown ones). */
export async function assertWalletOwner(db: Db, userId: string, walletId: string): Promise<void> {
  if (!isId(walletId)) throw notFound("Wallet");
  const row = await db
    .select({ id: wallets.walletId })
    .from(wallets)
    .where(and(eq(wallets.walletId, walletId), eq(wallets.userId, userId)))
    .get();
  if (!row) throw notFound("Wallet");
}

/** The caller's APPROVED loans on one of their wallets, as the debt optimiser reads them. */
export async function listApprovedLoansForWallet(db: Db, userId: string, walletId: string) {
  await assertWalletOwner(db, userId, walletId);
  return db
    .select({
      loan_id: loans.loanId,
      purpose: loans.purpose,
      remaining_balance_cents: loans.remainingBalanceCents,
      interest_rate_bp: loans.interestRateBp,
      minimum_payment_cents: loans.minimumPaymentCents,
      loan_term_months: loans.loanTermMonths,
      installments_charged: loans.installmentsCharged,
    })
    .from(loans)
    .where(and(eq(loans.walletId, walletId), eq(loans.userId, userId), eq(loans.status, "APPROVED"), gt(loans.remainingBalanceCents, 0)))
    .orderBy(loans.createdAt);
}
