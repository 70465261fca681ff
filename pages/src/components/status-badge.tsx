import type { Loan } from "../api/types";
import { formatMoney } from "../lib/money";

const TONES: Record<string, string> = {
  PENDING: "bg-amber-100 text-amber-900 ring-amber-300",
  APPROVED: "bg-sky-100 text-sky-900 ring-sky-300",
  ACTIVE: "bg-sky-100 text-sky-900 ring-sky-300",
  SUCCESSFUL: "bg-emerald-100 text-emerald-900 ring-emerald-300",
  PAID: "bg-emerald-100 text-emerald-900 ring-emerald-300",
  REDEEMED: "bg-emerald-100 text-emerald-900 ring-emerald-300",
  FAILED: "bg-red-100 text-red-900 ring-red-300",
  REJECTED: "bg-red-100 text-red-900 ring-red-300",
  COMPLETED: "bg-emerald-100 text-emerald-900 ring-emerald-300",
  REVERSED: "bg-red-100 text-red-900 ring-red-300",
  AUTHORIZED: "bg-sky-100 text-sky-900 ring-sky-300",
  CANCELED: "bg-slate-100 text-slate-800 ring-slate-300",
  CURRENT: "bg-emerald-100 text-emerald-900 ring-emerald-300",
  LATE: "bg-amber-100 text-amber-900 ring-amber-300",
  DEFAULTED: "bg-red-100 text-red-900 ring-red-300",
};

const LABELS: Record<string, string> = {
  PENDING: "Pending",
  APPROVED: "Approved",
  ACTIVE: "Active",
  SUCCESSFUL: "Successful",
  PAID: "Paid off",
  REDEEMED: "Redeemed",
  FAILED: "Failed",
  REJECTED: "Rejected",
  COMPLETED: "Completed",
  REVERSED: "Reversed",
  AUTHORIZED: "Authorized",
  CANCELED: "Canceled",
  CURRENT: "Up to date",
  LATE: "Late",
  DEFAULTED: "Defaulted",
};

/** A status as text and colour (never colour alone); data-status carries the raw API value for tests. */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[status] ?? "bg-slate-100 text-slate-800 ring-slate-300"}`}
      data-testid={testId}
      data-status={status}
    >
      {status === "PENDING" && <span className="size-1.5 motion-safe:animate-pulse rounded-full bg-amber-600" aria-hidden="true" />}
      {LABELS[status] ?? status}
    </span>
  );
}

/** A loan's status, and what is still owed while it is being repaid. */
export function LoanStanding({ loan, className = "text-right" }: { loan: Pick<Loan, "status" | "remaining_balance">; className?: string }) {
  return (
    <div className={className}>
      <StatusBadge status={loan.status} testId="loan-status" />
      {loan.status === "APPROVED" && <p className="mt-1 text-xs tabular-nums text-slate-600">{formatMoney(loan.remaining_balance)} left</p>}
    </div>
  );
}
