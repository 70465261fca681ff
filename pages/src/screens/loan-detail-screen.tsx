import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef } from "react";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { Link, useParams } from "react-router";
import { type Cents, formatCents, parseCents } from "../../../workers/domain/money";
import { toApiError } from "../api/errors";
import { useLoan, useLoanPayoff, useLoanSchedule, useRepayLoan, useRepayments, useSetAutopay } from "../api/hooks/loans";
import { queryKeys } from "../api/keys";
import type { Loan, Repayment } from "../api/types";

type ScheduleRow = { status: string; payment: string; paid: string };

import { useActiveWallet } from "../components/active-wallet";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { useConfirm } from "../components/confirm";
import { EmptyState, ErrorState, LoadingBlock, QueryState } from "../components/feedback";
import { MoneyField } from "../components/field";
import { applyApiFieldErrors } from "../components/form-errors";
import { ScheduleTable } from "../components/schedule-table";
import { ScrollRegion } from "../components/scroll-region";
import { StatusBadge } from "../components/status-badge";
import { failureReasonText, formatDate, formatDateTime, formatPercent } from "../lib/format";
import { formatMoney, sumMoney } from "../lib/money";
import { repaymentSchema } from "../lib/validation";

/** What may still be requested: the remaining balance less repayments still in flight (API.md). */
function outstanding(loan: Loan, repayments: Repayment[] | undefined): Cents {
  const pending = sumMoney((repayments ?? []).filter((r) => r.status === "PENDING").map((r) => r.amount));
  return Math.max(parseCents(loan.remaining_balance) - pending, 0);
}

function RepayForm({
  loan,
  repayments,
  onRequested,
}: {
  loan: Loan;
  repayments: Repayment[] | undefined;
  onRequested: (repayment: Repayment) => void;
}) {
  const confirm = useConfirm();
  const repay = useRepayLoan();
  const { wallets } = useActiveWallet();
  const wallet = wallets?.find((w) => w.wallet_id === loan.wallet_id);
  const owed = outstanding(loan, repayments);
  const form = useForm({ resolver: zodResolver(repaymentSchema(owed)), defaultValues: { amount: "" } });
  const { errors } = form.formState;

  if (owed === 0) {
    return <p className="text-sm text-slate-600">Repayments covering the whole balance are on their way.</p>;
  }

  const onSubmit = form.handleSubmit(async ({ amount }) => {
    // The wallet settles the repayment: one above the spendable balance would only fail a moment later.
    if (wallet && parseCents(amount) > parseCents(wallet.available_balance)) {
      form.setError("amount", {
        message: `That is more than your spendable balance (${formatMoney(wallet.available_balance)}). Add money to your wallet first.`,
      });
      return;
    }
    const payingOff = parseCents(amount) === owed;
    const ok = await confirm({
      title: payingOff ? `Pay off ${formatMoney(amount)}?` : `Repay ${formatMoney(amount)}?`,
      body: `${formatMoney(amount)} will be taken from your wallet${payingOff ? ", clearing this loan" : ""}. If your balance is too low the repayment fails and nothing is taken.`,
      confirmLabel: payingOff ? "Pay off" : "Repay",
    });
    if (!ok) return;
    repay.mutate(
      { loanId: loan.loan_id, amount },
      {
        onSuccess: (repayment) => {
          onRequested(repayment);
          form.reset();
        },
        onError: (error) => applyApiFieldErrors(error, form.setError, ["amount"]),
      },
    );
  });

  return (
    <form noValidate className="space-y-3" onSubmit={onSubmit}>
      <div className="flex flex-wrap items-end gap-2">
        <MoneyField
          label="Repayment amount"
          wrapperClassName="min-w-0 flex-1"
          hint={`Up to ${formatMoney(owed)}; the minimum monthly payment is ${formatMoney(loan.minimum_payment)}${
            wallet ? `. Paid from “${wallet.name}”. Spendable balance: ${formatMoney(wallet.available_balance)}` : ""
          }`}
          error={errors.amount?.message}
          {...form.register("amount")}
        />
        <Button variant="secondary" onClick={() => form.setValue("amount", formatCents(owed), { shouldValidate: true, shouldDirty: true })}>
          Pay off
        </Button>
      </div>
      <Button type="submit" loading={repay.isPending}>
        Repay
      </Button>
    </form>
  );
}

function RepaymentList({ repayments }: { repayments: Repayment[] }) {
  return (
    <ul className="divide-y divide-slate-200">
      {[...repayments]
        .sort((a, b) => b.created_at.localeCompare(a.created_at))
        .map((r) => (
          <li key={r.repayment_id} className="flex items-center justify-between gap-3 py-2.5" data-testid="repayment-row">
            <div>
              <p className="font-medium tabular-nums">{formatMoney(r.amount)}</p>
              <p className="text-xs text-slate-600">
                {formatDateTime(r.created_at)}
                {r.failure_reason && ` · ${failureReasonText(r.failure_reason)}`}
              </p>
            </div>
            <StatusBadge status={r.status} testId="repayment-status" />
          </li>
        ))}
    </ul>
  );
}

/** A repayment reaching a terminal state changes the loan's balance: refetch the loan then. */
function useRefreshLoanOnSettle(loanId: string, repayments: Repayment[] | undefined) {
  const client = useQueryClient();
  const signature = (repayments ?? []).map((r) => `${r.repayment_id}:${r.status}`).join(",");
  const previous = useRef(signature);
  useEffect(() => {
    if (previous.current !== signature) void client.invalidateQueries({ queryKey: queryKeys.loan(loanId) });
    previous.current = signature;
  }, [client, loanId, signature]);
}

/** A toast when a repayment seen pending settles: it is requested here, but the wallet decides a moment later. */
function useRepaymentOutcomeToasts(repayments: Repayment[] | undefined): (repayment: Repayment) => void {
  const seenPending = useRef(new Set<string>());
  useEffect(() => {
    for (const r of repayments ?? []) {
      if (r.status === "PENDING") seenPending.current.add(r.repayment_id);
      else if (seenPending.current.delete(r.repayment_id)) {
        if (r.status === "SUCCESSFUL") toast.success(`Repayment of ${formatMoney(r.amount)} received`);
        else
          toast.error(
            `Repayment of ${formatMoney(r.amount)} failed: ${failureReasonText(r.failure_reason) ?? "it could not be completed"}`,
          );
      }
    }
  }, [repayments]);
  return (repayment) => {
    if (repayment.status === "PENDING") seenPending.current.add(repayment.repayment_id);
  };
}

/** What is past due: the unpaid part of every installment whose due date has passed. */
function pastDue(rows: readonly ScheduleRow[] | undefined): Cents {
  return (rows ?? [])
    .filter((row) => row.status === "DUE" || row.status === "LATE")
    .reduce((sum, row) => sum + parseCents(row.payment) - parseCents(row.paid), 0);
}

/** One term of a loan's facts: a label and its value (figures in tabular digits). */
function Fact({
  term,
  testId,
  wide,
  className = "",
  children,
}: {
  term: string;
  testId?: string;
  wide?: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={wide ? "col-span-2" : undefined}>
      <dt className="text-slate-600">{term}</dt>
      <dd className={`font-semibold tabular-nums ${className}`} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function Servicing({ loan, schedule }: { loan: Loan; schedule: readonly ScheduleRow[] | undefined }) {
  const late = pastDue(schedule);
  return (
    <dl className="grid grid-cols-2 gap-4 text-sm" data-testid="loan-servicing">
      <Fact term="Next due" testId="loan-next-due">
        {loan.next_due_date && loan.next_payment_due ? `${formatMoney(loan.next_payment_due)} on ${loan.next_due_date}` : "—"}
      </Fact>
      <Fact term="Past due" testId="loan-past-due" className={late > 0 ? "text-red-800" : ""}>
        {late > 0 ? `${formatMoney(formatCents(late))} · ${loan.days_past_due} days` : "Nothing"}
      </Fact>
      <Fact term="Interest charged so far" testId="loan-interest-charged">
        {formatMoney(loan.total_interest_charged)}
      </Fact>
      <Fact term="Fees charged so far" testId="loan-fees-charged">
        {formatMoney(loan.total_fees_charged)}
      </Fact>
      <Fact term="Principal owed">{formatMoney(loan.outstanding_principal)}</Fact>
      <Fact term="Interest and fees owed">{formatMoney(formatCents(parseCents(loan.interest_due) + parseCents(loan.fees_due)))}</Fact>
      <div className="col-span-2">
        <dt className="text-slate-600">Standing</dt>
        <dd className="mt-0.5">
          <StatusBadge status={loan.delinquency} testId="loan-delinquency" />
        </dd>
      </div>
    </dl>
  );
}

function AutopaySwitch({ loan }: { loan: Loan }) {
  const setAutopay = useSetAutopay();
  const open = loan.status === "APPROVED" || loan.status === "PENDING";
  return (
    <div className="flex items-start justify-between gap-4">
      <div>
        <p className="text-sm font-medium text-slate-900" id="autopay-label">
          Autopay
        </p>
        <p className="text-xs text-slate-600" id="autopay-hint">
          {loan.delinquency === "DEFAULTED"
            ? "Stopped: the loan is in default."
            : "On each due date the installment is taken from your wallet."}
        </p>
      </div>
      <button
        type="button"
        role="switch"
        aria-checked={loan.autopay}
        aria-labelledby="autopay-label"
        aria-describedby="autopay-hint"
        // Not disabled while saving: a disabled button drops keyboard focus.
        disabled={!open}
        aria-busy={setAutopay.isPending || undefined}
        data-testid="autopay-switch"
        onClick={() => {
          if (!setAutopay.isPending) setAutopay.mutate({ loanId: loan.loan_id, enabled: !loan.autopay });
        }}
        className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-700 disabled:opacity-50 ${
          loan.autopay ? "bg-emerald-700" : "bg-slate-400"
        }`}
      >
        <span
          className={`inline-block size-5 rounded-full bg-white shadow transition-transform ${loan.autopay ? "translate-x-5" : "translate-x-0.5"}`}
        />
        <span className="sr-only">{loan.autopay ? "On" : "Off"}</span>
      </button>
    </div>
  );
}

function PayoffQuote({ loan }: { loan: Loan }) {
  const payoff = useLoanPayoff(loan.loan_id, loan.status === "APPROVED");
  if (loan.status !== "APPROVED") return null;
  return (
    <div className="mt-4 rounded-lg bg-slate-50 p-3 text-sm" data-testid="loan-payoff">
      <QueryState query={payoff}>
        {(quote) => (
          <p>
            <span className="font-semibold tabular-nums">{formatMoney(quote.payoff_amount)}</span> clears this loan today (principal{" "}
            {formatMoney(quote.principal)}, interest {formatMoney(quote.interest_due)}, fees {formatMoney(quote.fees_due)}). Paying it now
            saves the interest of the months not yet begun.
          </p>
        )}
      </QueryState>
    </div>
  );
}

function LoanView({ loan }: { loan: Loan }) {
  const repayments = useRepayments(loan.loan_id);
  const schedule = useLoanSchedule(loan.loan_id);
  useRefreshLoanOnSettle(loan.loan_id, repayments.data);
  const watchRepayment = useRepaymentOutcomeToasts(repayments.data);

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
      <Card title="Summary" actions={<StatusBadge status={loan.status} testId="loan-status" />}>
        <dl className="grid grid-cols-2 gap-4 text-sm">
          <Fact term="Borrowed">{formatMoney(loan.amount)}</Fact>
          <Fact term="Still owed" testId="loan-remaining">
            {formatMoney(loan.remaining_balance)}
          </Fact>
          <Fact term="Rate">{formatPercent(loan.interest_rate)} a year</Fact>
          <Fact term="Monthly payment">{formatMoney(loan.minimum_payment)}</Fact>
          <Fact term="Term">{loan.loan_term_months} months</Fact>
          <Fact term="Applied">{formatDate(loan.created_at)}</Fact>
          {loan.disbursed_at && <Fact term="Paid into wallet">{formatDate(loan.disbursed_at)}</Fact>}
          {loan.purpose && (
            <Fact term="Purpose" wide>
              {loan.purpose}
            </Fact>
          )}
        </dl>
        {loan.status === "PENDING" && <p className="mt-4 text-sm text-slate-600">Waiting for an admin to review your application.</p>}
        {loan.status === "REJECTED" && (
          <p className="mt-4 text-sm text-slate-600" data-testid="loan-rejection">
            This application was not approved{loan.rejection_reason ? `: ${loan.rejection_reason}` : "."}
          </p>
        )}
        {loan.status === "PAID" && <p className="mt-4 text-sm font-medium text-emerald-800">Paid off. Well done!</p>}
      </Card>

      {loan.status === "APPROVED" && (
        <Card title="Payments">
          <Servicing loan={loan} schedule={schedule.data} />
          <div className="mt-4 border-t border-slate-200 pt-4">
            <AutopaySwitch loan={loan} />
          </div>
          <PayoffQuote loan={loan} />
        </Card>
      )}

      <Card title="Repay">
        {loan.status === "APPROVED" ? (
          <RepayForm key={loan.remaining_balance} loan={loan} repayments={repayments.data} onRequested={watchRepayment} />
        ) : (
          <p className="text-sm text-slate-600">
            {loan.status === "PAID" ? "Nothing left to repay." : "Repayments open once the loan is approved."}
          </p>
        )}
        <h3 className="mt-6 mb-1 text-sm font-semibold text-slate-900">Repayments</h3>
        <QueryState
          query={repayments}
          isEmpty={(list) => list.length === 0}
          empty={<p className="text-sm text-slate-600">No repayments yet.</p>}
        >
          {(list) => <RepaymentList repayments={list} />}
        </QueryState>
      </Card>

      <Card title="Repayment schedule" className="lg:col-span-2">
        <QueryState
          query={schedule}
          isEmpty={(rows) => rows.length === 0}
          empty={<EmptyState title={loan.status === "REJECTED" ? "No schedule: this loan was not approved" : "No schedule available"} />}
        >
          {(rows) => (
            <ScrollRegion label="Repayment schedule" className="max-h-96 rounded-lg border border-slate-200">
              <ScheduleTable
                caption="Repayment schedule"
                rows={rows.map((row) => ({
                  month: row.month,
                  dueDate: row.due_date,
                  payment: formatMoney(row.payment),
                  interest: formatMoney(row.interest),
                  principal: formatMoney(row.principal),
                  balance: formatMoney(row.balance_after),
                  status: row.status,
                  paid: formatMoney(row.paid),
                }))}
              />
            </ScrollRegion>
          )}
        </QueryState>
      </Card>
    </div>
  );
}

export function LoanDetailScreen() {
  const { loanId = "" } = useParams();
  const loan = useLoan(loanId);
  const notFound = loan.error && toApiError(loan.error).code === "NOT_FOUND";
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link to="/loans" className="text-emerald-800 underline">
          ← All loans
        </Link>
      </nav>
      <PageHeader title={loan.data ? `${formatMoney(loan.data.amount)} loan` : "Loan"} />
      {loan.isPending ? (
        <LoadingBlock rows={6} label="Loading the loan…" />
      ) : loan.data ? (
        <LoanView loan={loan.data} />
      ) : notFound ? (
        <EmptyState title="Loan not found">It may belong to another wallet, or the link is wrong.</EmptyState>
      ) : (
        <ErrorState error={loan.error} title="Could not load the loan" onRetry={() => void loan.refetch()} />
      )}
    </>
  );
}
