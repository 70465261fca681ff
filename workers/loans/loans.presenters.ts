import type { ScheduleRow } from "../domain/loan-pricing";
import { formatCents } from "../domain/money";
import { formatRate } from "../domain/rates";
import type { LoanRow, RepaymentRow } from "./loans.queries";

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

export const presentScheduleRow = (r: ScheduleRow) => ({
  month: r.month,
  payment: formatCents(r.payment),
  interest: formatCents(r.interest),
  principal: formatCents(r.principal),
  balance_after: formatCents(r.balanceAfter),
});
