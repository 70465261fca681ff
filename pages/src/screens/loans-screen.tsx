import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { Link } from "react-router";
import { LOAN_MAX_CENTS, LOAN_MAX_TERM_MONTHS, LOAN_MIN_CENTS, LOAN_MIN_TERM_MONTHS } from "../../../workers/domain/limits";
import { type LoanQuote, quoteLoan } from "../../../workers/domain/loan-pricing";
import { formatRate } from "../../../workers/domain/rates";
import { useApplyForLoan, useLoansByWallet } from "../api/hooks/loans";
import type { Wallet } from "../api/types";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { useConfirm } from "../components/confirm";
import { EmptyState, QueryState } from "../components/feedback";
import { MoneyField, TextField } from "../components/field";
import { applyApiFieldErrors } from "../components/form-errors";
import { ScheduleTable } from "../components/schedule-table";
import { ScrollRegion } from "../components/scroll-region";
import { LoanStanding } from "../components/status-badge";
import { WalletRequired } from "../components/wallet-required";
import { formatDate, formatPercent } from "../lib/format";
import { formatMoney } from "../lib/money";
import { checkAmount, loanApplicationSchema } from "../lib/validation";

function readQuote(amount: string, term: string): LoanQuote | null {
  const principal = checkAmount(amount, { min: LOAN_MIN_CENTS, max: LOAN_MAX_CENTS });
  const months = /^\s*\d{1,2}\s*$/.test(term) ? Number(term) : Number.NaN;
  if (!principal.ok || !Number.isInteger(months) || months < LOAN_MIN_TERM_MONTHS || months > LOAN_MAX_TERM_MONTHS) return null;
  return quoteLoan(principal.cents, months);
}

function Quote({ quote }: { quote: LoanQuote | null }) {
  if (!quote) {
    return (
      <p className="text-sm text-slate-600">
        Enter an amount from {formatMoney(LOAN_MIN_CENTS)} to {formatMoney(LOAN_MAX_CENTS)} and a term of {LOAN_MIN_TERM_MONTHS}–
        {LOAN_MAX_TERM_MONTHS} months to see your quote.
      </p>
    );
  }
  return (
    <div aria-live="polite">
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <div>
          <dt className="text-xs text-slate-600">Interest rate</dt>
          <dd className="font-semibold tabular-nums" data-testid="quote-rate">
            {formatPercent(formatRate(quote.rateBp))} a year
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600">Monthly payment</dt>
          <dd className="font-semibold tabular-nums" data-testid="quote-payment">
            {formatMoney(quote.minimumPayment)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600">Total interest</dt>
          <dd className="font-semibold tabular-nums">{formatMoney(quote.totalInterest)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600">Total to repay</dt>
          <dd className="font-semibold tabular-nums">{formatMoney(quote.totalRepaid)}</dd>
        </div>
      </dl>
      <p className="mt-3 text-sm text-slate-600" data-testid="quote-interest-note">
        Interest accrues monthly on what you still owe. Paying early, or paying off, saves the interest of the months not yet begun.
      </p>
      <details className="mt-4">
        <summary className="cursor-pointer text-sm font-medium text-emerald-800">Repayment schedule (estimate)</summary>
        <ScrollRegion label="Estimated repayment schedule" className="mt-2 max-h-72 rounded-lg border border-slate-200">
          <ScheduleTable
            caption="Estimated repayment schedule"
            rows={quote.schedule.map((row) => ({
              month: row.month,
              payment: formatMoney(row.payment),
              interest: formatMoney(row.interest),
              principal: formatMoney(row.principal),
              balance: formatMoney(row.balanceAfter),
            }))}
          />
        </ScrollRegion>
      </details>
    </div>
  );
}

function ApplyForm({ wallet }: { wallet: Wallet }) {
  const confirm = useConfirm();
  const apply = useApplyForLoan();
  const form = useForm({
    resolver: zodResolver(loanApplicationSchema),
    defaultValues: { amount: "", loan_term_months: "12", purpose: "" },
  });
  const { errors } = form.formState;
  const [amount = "", term = ""] = useWatch({ control: form.control, name: ["amount", "loan_term_months"] });
  const quote = readQuote(amount, term);

  const onSubmit = form.handleSubmit(async (values) => {
    const q = readQuote(values.amount, String(values.loan_term_months));
    const ok = await confirm({
      title: `Apply for ${formatMoney(values.amount)}?`,
      body: q ? (
        <>
          Over {values.loan_term_months} months at {formatRate(q.rateBp)}% a year: about <strong>{formatMoney(q.minimumPayment)}</strong> a
          month. An admin reviews every application; the money arrives in your wallet when it is approved.
        </>
      ) : (
        "An admin reviews every application."
      ),
      confirmLabel: "Apply",
    });
    if (!ok) return;
    apply.mutate(
      { wallet_id: wallet.wallet_id, ...values },
      {
        onSuccess: () => form.reset(),
        onError: (error) => applyApiFieldErrors(error, form.setError, ["amount", "loan_term_months", "purpose"]),
      },
    );
  });

  return (
    <Card title="Apply for a micro-loan" description="8% a year up to 12 months, 12% up to 24 months, 15% beyond.">
      <form noValidate className="space-y-4" onSubmit={onSubmit}>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <MoneyField
            label="Amount"
            hint={`${formatMoney(LOAN_MIN_CENTS)} to ${formatMoney(LOAN_MAX_CENTS)}`}
            error={errors.amount?.message}
            {...form.register("amount")}
          />
          <TextField
            label="Term"
            type="number"
            inputMode="numeric"
            min={LOAN_MIN_TERM_MONTHS}
            max={LOAN_MAX_TERM_MONTHS}
            step={1}
            suffix="months"
            error={errors.loan_term_months?.message}
            {...form.register("loan_term_months")}
          />
        </div>
        <TextField label="Purpose (optional)" error={errors.purpose?.message} {...form.register("purpose")} />
        <div className="rounded-lg bg-slate-50 p-4">
          <h3 className="mb-2 text-sm font-semibold text-slate-900">Your quote</h3>
          <Quote quote={quote} />
        </div>
        <Button type="submit" loading={apply.isPending}>
          Apply
        </Button>
      </form>
    </Card>
  );
}

function MyLoans({ wallet }: { wallet: Wallet }) {
  const loans = useLoansByWallet(wallet.wallet_id);
  return (
    <Card title="My loans">
      <QueryState
        query={loans}
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState title="No loans yet">Your applications and their status will appear here.</EmptyState>}
      >
        {(list) => (
          <ul className="divide-y divide-slate-200">
            {[...list]
              .sort((a, b) => b.created_at.localeCompare(a.created_at))
              .map((loan) => (
                <li key={loan.loan_id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="loan-row">
                  <div className="min-w-0">
                    <Link to={`/loans/${loan.loan_id}`} className="font-medium text-slate-900 underline underline-offset-2">
                      {formatMoney(loan.amount)} · {loan.purpose || "Micro-loan"}
                    </Link>
                    <p className="text-xs text-slate-600">
                      {formatPercent(loan.interest_rate)} · {loan.loan_term_months} months · {formatMoney(loan.minimum_payment)}/month ·
                      applied {formatDate(loan.created_at)}
                    </p>
                  </div>
                  <LoanStanding loan={loan} />
                </li>
              ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

export function LoansScreen() {
  return (
    <>
      <PageHeader title="Micro-loans" description="Borrow from $50 to $50,000 and repay at your pace." />
      <WalletRequired purpose="Loans are paid into a wallet, so create one first.">
        {(wallet) => (
          <div className="grid items-start gap-6 lg:grid-cols-2">
            <ApplyForm wallet={wallet} />
            <MyLoans wallet={wallet} />
          </div>
        )}
      </WalletRequired>
    </>
  );
}
