import { zodResolver } from "@hookform/resolvers/zod";
import { type ReactNode, useState } from "react";
import { useForm } from "react-hook-form";
import {
  clockAdvanceMessage,
  useAdvanceClock,
  useClock,
  useDeadLetters,
  useDecisionLoan,
  useLoanDecisions,
  useReconciliation,
  useReplayDeadLetter,
} from "../api/hooks/admin";
import { useApproveLoan, useLoanPages, useRejectLoan } from "../api/hooks/loans";
import type { AuditEntry, DeadLetter, Loan, LoanDelinquency, LoanStatus } from "../api/types";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { useConfirm } from "../components/confirm";
import { Dialog } from "../components/dialog";
import { EmptyState, ErrorState, LoadingBlock, QueryState } from "../components/feedback";
import { SelectField, TextField } from "../components/field";
import { LoadMore } from "../components/load-more";
import { ScrollRegion } from "../components/scroll-region";
import { StatusBadge } from "../components/status-badge";
import { formatDateTime, formatPercent } from "../lib/format";
import { formatMoney } from "../lib/money";
import { rejectLoanSchema } from "../lib/validation";

function RejectDialog({ loan, onClose }: { loan: Loan; onClose: () => void }) {
  const reject = useRejectLoan();
  const form = useForm({ resolver: zodResolver(rejectLoanSchema), defaultValues: { reason: "" } });
  const formId = `reject-${loan.loan_id}`;
  const onSubmit = form.handleSubmit(({ reason }) => reject.mutate({ loanId: loan.loan_id, reason }, { onSuccess: onClose }));
  return (
    <Dialog
      open
      title={`Reject the ${formatMoney(loan.amount)} application?`}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" type="submit" form={formId} loading={reject.isPending}>
            Reject loan
          </Button>
        </>
      }
    >
      <form id={formId} noValidate onSubmit={onSubmit} className="space-y-3">
        <p>The applicant sees the loan as rejected. No money moves.</p>
        <TextField label="Reason (optional)" error={form.formState.errors.reason?.message} {...form.register("reason")} />
      </form>
    </Dialog>
  );
}

/** Who applied, by name and email (admins get both with every loan). */
function Applicant({ loan }: { loan: Loan }) {
  const name = loan.applicant?.name;
  const email = loan.applicant?.email;
  if (!name && !email) return <>user {loan.user_id}</>;
  return (
    <span data-testid="loan-applicant">
      {name ? `${name} ` : ""}
      {email && `<${email}>`}
    </span>
  );
}

/** Days from `now` to the same day next month (the month's last day where it has fewer). */
function daysToNextMonth(now: Date): number {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const last = new Date(Date.UTC(y, m + 2, 0)).getUTCDate();
  const next = Date.UTC(y, m + 1, Math.min(now.getUTCDate(), last));
  const today = Date.UTC(y, m, now.getUTCDate());
  return Math.round((next - today) / 86_400_000);
}

/** The test clock (sandbox environments only: where the API has no clock routes this renders nothing). */
function ClockPanel() {
  const clock = useClock();
  const advance = useAdvanceClock();
  if (!clock.data) return null;
  const result = advance.data ? clockAdvanceMessage(advance.data) : null;
  const aheadDays = Math.round(clock.data.offset_seconds / 86_400);
  const now = new Date(clock.data.now);
  const steps = [
    { label: "Advance a day", days: 1 },
    { label: "Advance a week", days: 7 },
    { label: "Advance a month", days: daysToNextMonth(now) },
  ];
  return (
    <Card
      title="Clock"
      description="Sandbox only: move time forward; every due date, interest charge, autopay and late fee up to then is processed."
    >
      <p className="text-sm" data-testid="clock-now">
        Now: <span className="font-semibold">{formatDateTime(clock.data.now)}</span>
        {clock.data.offset_seconds > 0 && (
          <span className="text-slate-600"> ({aheadDays === 1 ? "1 day" : `${aheadDays} days`} ahead of real time)</span>
        )}
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        {steps.map((step) => (
          <Button
            key={step.label}
            size="sm"
            variant="secondary"
            loading={advance.isPending && advance.variables === step.days}
            disabled={advance.isPending}
            onClick={() => advance.mutate(step.days)}
          >
            {step.label}
          </Button>
        ))}
      </div>
      {/* Always in the page, so each new line is announced; a failure is the mutation's error toast. */}
      <div role="status" aria-live="polite" className="mt-3 empty:hidden">
        {advance.isPending ? (
          <p className="text-sm text-slate-700">Moving the clock and processing everything due…</p>
        ) : (
          result && (
            <p
              className={`rounded-lg px-3 py-2 text-sm ${result.tone === "success" ? "bg-emerald-50 text-emerald-900" : "bg-amber-50 text-amber-950"}`}
              data-testid="clock-result"
              data-settled={advance.data?.settled}
            >
              {result.text}
            </p>
          )
        )}
      </div>
    </Card>
  );
}

const STATUS_FILTERS = ["APPROVED", "PENDING", "PAID", "REJECTED"] as const satisfies readonly LoanStatus[];
const DELINQUENCY_FILTERS = ["CURRENT", "LATE", "DEFAULTED"] as const satisfies readonly LoanDelinquency[];

function AllLoans() {
  const [status, setStatus] = useState<(typeof STATUS_FILTERS)[number] | "">("APPROVED");
  const [delinquency, setDelinquency] = useState<(typeof DELINQUENCY_FILTERS)[number] | "">("");
  // Both filters are the API's: every page it sends matches them, so "Load more" reaches every match.
  const pages = useLoanPages(status === "" ? null : status, delinquency === "" ? null : delinquency);
  const loans = pages.data?.pages.flatMap((page) => page.loans);
  return (
    <Card title="Loans" description="Every customer's loans, by status and standing.">
      <div className="mb-3 flex flex-wrap gap-3">
        <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="">All</option>
          {STATUS_FILTERS.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0) + s.slice(1).toLowerCase()}
            </option>
          ))}
        </SelectField>
        <SelectField label="Standing" value={delinquency} onChange={(e) => setDelinquency(e.target.value as typeof delinquency)}>
          <option value="">All</option>
          {DELINQUENCY_FILTERS.map((d) => (
            <option key={d} value={d}>
              {d.charAt(0) + d.slice(1).toLowerCase()}
            </option>
          ))}
        </SelectField>
      </div>
      {pages.isPending ? (
        <LoadingBlock rows={3} label="Loading loans…" />
      ) : !loans ? (
        <ErrorState error={pages.error} title="Could not load loans" onRetry={() => void pages.refetch()} />
      ) : loans.length === 0 ? (
        <EmptyState title="No loans match these filters" />
      ) : (
        <>
          <ul className="divide-y divide-slate-200">
            {loans.map((loan) => (
              <li key={loan.loan_id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="admin-loan">
                <div className="min-w-0">
                  <p className="font-medium tabular-nums">
                    {formatMoney(loan.amount)} · owes {formatMoney(loan.remaining_balance)}
                    {loan.days_past_due > 0 && ` · ${loan.days_past_due} days past due`}
                  </p>
                  <p className="text-xs wrap-anywhere text-slate-600">
                    <Applicant loan={loan} /> · {loan.purpose || "No purpose given"}
                    {loan.rejection_reason && ` · rejected: ${loan.rejection_reason}`}
                  </p>
                </div>
                <div className="flex gap-2">
                  <StatusBadge status={loan.status} />
                  {loan.status === "APPROVED" && <StatusBadge status={loan.delinquency} />}
                </div>
              </li>
            ))}
          </ul>
          <LoadMore query={pages} />
        </>
      )}
    </Card>
  );
}

/** One approval or rejection: the decision, the loan and its applicant, who decided, why and when. */
function DecisionRow({ entry }: { entry: AuditEntry }) {
  const loanId = entry.target.startsWith("loan:") ? entry.target.slice("loan:".length) : null;
  const loan = useDecisionLoan(loanId);
  const approved = entry.action === "loan.approve";
  const reason = typeof entry.details.reason === "string" && entry.details.reason !== "" ? entry.details.reason : null;
  return (
    <li className="py-3" data-testid="loan-decision" data-action={entry.action}>
      <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
        <StatusBadge status={approved ? "APPROVED" : "REJECTED"} />
        <time dateTime={entry.created_at} className="text-xs text-slate-600">
          {formatDateTime(entry.created_at)}
        </time>
      </div>
      <p className="mt-1.5 font-medium tabular-nums wrap-anywhere">
        {loan.data ? (
          <>
            {formatMoney(loan.data.amount)} for <Applicant loan={loan.data} />
          </>
        ) : loan.isPending && loanId !== null ? (
          <span className="font-normal text-slate-600">Loading the loan…</span>
        ) : (
          entry.target
        )}
      </p>
      <p className="mt-0.5 text-xs wrap-anywhere text-slate-600">
        by <span data-testid="decision-admin">{entry.admin_email ?? entry.admin_user_id ?? "unknown"}</span>
      </p>
      {reason && (
        <p className="mt-1 wrap-anywhere text-slate-800" data-testid="decision-reason">
          Reason: “{reason}”
        </p>
      )}
    </li>
  );
}

function DecisionHistory() {
  const decisions = useLoanDecisions();
  const entries = decisions.data?.pages.flatMap((page) => page.entries);
  return (
    <Card title="Decision history" description="Every loan approval and rejection, newest first.">
      {decisions.isPending ? (
        <LoadingBlock rows={3} label="Loading decisions…" />
      ) : !entries ? (
        <ErrorState error={decisions.error} title="Could not load decisions" onRetry={() => void decisions.refetch()} />
      ) : entries.length === 0 ? (
        <EmptyState title="No decisions yet" />
      ) : (
        <>
          <ul className="divide-y divide-slate-200 text-sm">
            {entries.map((entry) => (
              <DecisionRow key={entry.entry_id} entry={entry} />
            ))}
          </ul>
          <LoadMore query={decisions} />
        </>
      )}
    </Card>
  );
}

function PendingLoans() {
  const pages = useLoanPages("PENDING");
  const approve = useApproveLoan();
  const confirm = useConfirm();
  const [rejecting, setRejecting] = useState<Loan | null>(null);
  const loans = pages.data?.pages.flatMap((page) => page.loans);

  const onApprove = async (loan: Loan) => {
    const ok = await confirm({
      title: `Approve ${formatMoney(loan.amount)}?`,
      body: `The principal is paid into the applicant's wallet right away, at ${formatPercent(loan.interest_rate)} over ${loan.loan_term_months} months.`,
      confirmLabel: "Approve and disburse",
    });
    if (ok) approve.mutate({ loanId: loan.loan_id });
  };

  let content: ReactNode;
  if (pages.isPending) content = <LoadingBlock rows={3} label="Loading pending loans…" />;
  else if (!loans) content = <ErrorState error={pages.error} title="Could not load pending loans" onRetry={() => void pages.refetch()} />;
  else if (loans.length === 0) content = <EmptyState title="No applications waiting">New applications appear here.</EmptyState>;
  else {
    content = (
      <>
        <ul className="divide-y divide-slate-200">
          {loans.map((loan) => (
            <li key={loan.loan_id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="pending-loan">
              <div className="min-w-0">
                <p className="font-medium tabular-nums">
                  {formatMoney(loan.amount)} · {loan.loan_term_months} months · {formatPercent(loan.interest_rate)}
                </p>
                <p className="text-xs wrap-anywhere text-slate-600">
                  {loan.purpose || "No purpose given"} · <Applicant loan={loan} /> · {formatDateTime(loan.created_at)}
                </p>
              </div>
              <div className="flex gap-2">
                <Button
                  size="sm"
                  onClick={() => void onApprove(loan)}
                  loading={approve.isPending && approve.variables?.loanId === loan.loan_id}
                >
                  Approve
                </Button>
                <Button size="sm" variant="secondary" onClick={() => setRejecting(loan)}>
                  Reject
                </Button>
              </div>
            </li>
          ))}
        </ul>
        <LoadMore query={pages} />
      </>
    );
  }

  return (
    <Card title="Pending loans" description="Approve to disburse the principal; reject to close the application.">
      {content}
      {rejecting && <RejectDialog loan={rejecting} onClose={() => setRejecting(null)} />}
    </Card>
  );
}

function DeadLetterRow({ letter }: { letter: DeadLetter }) {
  const replay = useReplayDeadLetter();
  const confirm = useConfirm();
  const onReplay = async () => {
    const ok = await confirm({
      title: "Replay this event?",
      body: "The event is published again to its queue. Consumers are idempotent, so an event that already took effect changes nothing.",
      confirmLabel: "Replay",
    });
    if (ok) replay.mutate(letter.dead_letter_id);
  };
  const type = typeof letter.event.type === "string" ? letter.event.type : "event";
  return (
    <li className="py-3" data-testid="dead-letter">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-medium">
            {type} <span className="text-sm font-normal text-slate-600">on {letter.queue}</span>
          </p>
          <p className="text-sm break-words text-red-800">{letter.error}</p>
          <p className="text-xs text-slate-600">
            {letter.attempts} attempts · {formatDateTime(letter.created_at)}
            {letter.replayed_at && ` · replayed ${formatDateTime(letter.replayed_at)}`}
          </p>
        </div>
        <Button size="sm" variant="secondary" onClick={() => void onReplay()} loading={replay.isPending}>
          {letter.replayed_at ? "Replay again" : "Replay"}
        </Button>
      </div>
      <details className="mt-2">
        <summary className="cursor-pointer text-xs font-medium text-emerald-800">Event</summary>
        <pre className="mt-1 max-h-64 overflow-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100">
          {JSON.stringify(letter.event, null, 2)}
        </pre>
      </details>
    </li>
  );
}

function DeadLetters() {
  const letters = useDeadLetters();
  return (
    <Card title="Dead letters" description="Events that kept failing. Replay once the cause is fixed.">
      <QueryState
        query={letters}
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState title="No dead letters">Every event was processed.</EmptyState>}
      >
        {(list) => (
          <ul className="divide-y divide-slate-200">
            {list.map((letter) => (
              <DeadLetterRow key={letter.dead_letter_id} letter={letter} />
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

function Reconciliation() {
  const reconciliation = useReconciliation();
  return (
    <Card
      title="Reconciliation"
      description="D1 records compared with every wallet's ledger."
      actions={
        <Button size="sm" variant="secondary" onClick={() => void reconciliation.refetch()} loading={reconciliation.isFetching}>
          Run again
        </Button>
      }
    >
      <QueryState query={reconciliation}>
        {({ checked_at, differences }) => (
          <>
            <p className="mb-3 text-sm text-slate-600">Checked {formatDateTime(checked_at)}</p>
            {differences.length === 0 ? (
              <p className="rounded-lg bg-emerald-50 px-4 py-3 font-medium text-emerald-900" data-testid="reconciliation-status">
                Healthy: no differences.
              </p>
            ) : (
              <>
                <p
                  className="mb-3 rounded-lg bg-red-50 px-4 py-3 font-medium text-red-900"
                  data-testid="reconciliation-status"
                  role="alert"
                >
                  {differences.length} {differences.length === 1 ? "difference" : "differences"} found
                </p>
                <ScrollRegion label="Differences">
                  <table className="w-full text-left text-sm">
                    <caption className="sr-only">Differences between D1 and the ledgers</caption>
                    <thead className="text-xs text-slate-600">
                      <tr>
                        <th scope="col" className="py-2 pr-4 font-medium">
                          Kind
                        </th>
                        <th scope="col" className="py-2 pr-4 font-medium">
                          Wallet
                        </th>
                        <th scope="col" className="py-2 pr-4 font-medium">
                          Reference
                        </th>
                        <th scope="col" className="py-2 font-medium">
                          Difference
                        </th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {differences.map((d) => (
                        <tr key={`${d.kind}:${d.wallet_id}:${d.reference_id}:${d.message}`}>
                          <td className="py-1.5 pr-4 font-medium">{d.kind}</td>
                          <td className="py-1.5 pr-4 break-all">{d.wallet_id}</td>
                          <td className="py-1.5 pr-4 break-all">{d.reference_id ?? "—"}</td>
                          <td className="py-1.5">{d.message}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </ScrollRegion>
              </>
            )}
          </>
        )}
      </QueryState>
    </Card>
  );
}

export function AdminScreen() {
  return (
    <>
      <PageHeader title="Admin" description="Loan approvals and servicing, failed events and ledger health." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <div className="lg:col-span-2">
          <ClockPanel />
        </div>
        <div className="lg:col-span-2">
          <PendingLoans />
        </div>
        <AllLoans />
        <DecisionHistory />
        <DeadLetters />
        <Reconciliation />
      </div>
    </>
  );
}
