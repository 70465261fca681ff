import {
  DEFAULT_AFTER_DAYS,
  dueDate,
  dueDatesPassed,
  dueMoment,
  installmentAmount,
  periodInterest,
  type ScheduleLine,
} from "../domain/loan-servicing";
import { formatCents } from "../domain/money";
import { formatRate } from "../domain/rates";
import type { LoanView, RepaymentRow } from "./loans.queries";

const DAY_MS = 86_400_000;

/** The next due date and what it asks for: its installment (with its interest) plus anything past due. */
function upcoming(row: LoanView, now: number) {
  if (row.status !== "APPROVED" || row.disbursedAt === null) return null;
  const charged = row.firstInstallment === null ? dueDatesPassed(row.disbursedAt, now) : row.installmentsCharged;
  const k = charged + 1;
  const owedThen = row.remainingBalanceCents + periodInterest(row.outstandingPrincipalCents, row.interestRateBp);
  const installment = installmentAmount({ minimumPayment: row.minimumPaymentCents }, owedThen);
  return { date: dueDate(row.disbursedAt, k), amount: Math.min(owedThen, row.unpaidDueCents + installment) };
}

/** `admin`: the reader is an admin, who also sees who applied (name and email). */
export const presentLoan = (row: LoanView, now: Date, { admin = false }: { admin?: boolean } = {}) => {
  const approved = row.status === "APPROVED";
  const next = upcoming(row, now.getTime());
  const daysPastDue =
    approved && row.oldestUnpaidDue
      ? Math.max(0, Math.floor(now.getTime() / DAY_MS) - Math.floor(dueMoment(row.oldestUnpaidDue) / DAY_MS))
      : 0;
  return {
    loan_id: row.loanId,
    wallet_id: row.walletId,
    user_id: row.userId,
    amount: formatCents(row.amountCents),
    interest_rate: formatRate(row.interestRateBp),
    loan_term_months: row.loanTermMonths,
    minimum_payment: formatCents(row.minimumPaymentCents),
    outstanding_principal: formatCents(row.outstandingPrincipalCents),
    interest_due: formatCents(row.interestDueCents),
    fees_due: formatCents(row.feesDueCents),
    remaining_balance: formatCents(row.remainingBalanceCents),
    total_interest_charged: formatCents(row.totalInterestChargedCents),
    total_fees_charged: formatCents(row.totalFeesChargedCents),
    next_due_date: next?.date ?? null,
    next_payment_due: next ? formatCents(next.amount) : null,
    days_past_due: daysPastDue,
    delinquency: approved ? (daysPastDue >= DEFAULT_AFTER_DAYS ? ("DEFAULTED" as const) : row.delinquency) : ("CURRENT" as const),
    autopay: row.autopay,
    status: row.status,
    purpose: row.purpose,
    rejection_reason: row.rejectionReason,
    disbursed_at: row.disbursedAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    ...(admin ? { applicant: { name: row.applicantName, email: row.applicantEmail } } : {}),
  };
};

export const presentRepayment = (row: RepaymentRow) => ({
  repayment_id: row.repaymentId,
  loan_id: row.loanId,
  wallet_id: row.walletId,
  amount: formatCents(row.amountCents),
  status: row.status,
  failure_reason: row.failureReason,
  source: row.source,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
});

export const presentScheduleRow = (r: ScheduleLine) => ({
  month: r.month,
  due_date: r.dueDate,
  payment: formatCents(r.payment),
  interest: formatCents(r.interest),
  principal: formatCents(r.principal),
  balance_after: formatCents(r.balanceAfter),
  status: r.status,
  paid: formatCents(r.paid),
});
