import { useMutation } from "@tanstack/react-query";
import toast from "react-hot-toast";
import { Link, useNavigate, useParams } from "react-router";
import { fetchStatementCsv, type StatementData, useStatement, useStatementList, useStatementVerification } from "../api/hooks/statements";
import { Button, buttonClass } from "../components/button";
import { Card, PageHeader, Stat } from "../components/card";
import { EmptyState, ErrorState, LoadingBlock } from "../components/feedback";
import { SelectField } from "../components/field";
import { ScrollRegion } from "../components/scroll-region";
import { downloadText } from "../lib/download";
import { formatMoney, formatSignedMoney } from "../lib/money";

const currentPeriod = () => new Date().toISOString().slice(0, 7);

/** "2026-11" → "November 2026" (a UTC calendar month). */
const monthName = (period: string) =>
  new Date(`${period}-01T00:00:00.000Z`).toLocaleDateString(undefined, { month: "long", year: "numeric", timeZone: "UTC" });

const dateTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

// Printing shows the statement alone: the app's navigation and the screen's buttons are left out.
const PRINT_CSS = `@media print {
  body * { visibility: hidden; }
  #statement-sheet, #statement-sheet * { visibility: visible; }
  #statement-sheet { position: absolute; inset: 0 auto auto 0; width: 100%; border: 0; box-shadow: none; }
  .statement-no-print { display: none !important; }
  #statement-sheet table { font-size: 10pt; }
}`;

function Verification({ statement }: { statement: StatementData }) {
  const check = useStatementVerification(statement);
  const [text, tone] = check.isPending
    ? ["Checking the signature and the hash chain…", "border-slate-300 bg-slate-50 text-slate-800"]
    : check.data?.valid
      ? ["Verified: the signature and the hash chain check out.", "border-emerald-300 bg-emerald-50 text-emerald-900"]
      : check.data
        ? [`Not valid: ${check.data.reason}`, "border-red-300 bg-red-50 text-red-900"]
        : ["The statement could not be checked right now.", "border-amber-300 bg-amber-50 text-amber-900"];
  return (
    <p role="status" data-testid="statement-verification" className={`rounded-lg border px-3 py-2 text-sm ${tone}`}>
      {text}
    </p>
  );
}

function StatementSheet({ statement }: { statement: StatementData }) {
  const csv = useMutation({
    mutationFn: () => fetchStatementCsv(statement.wallet_id, statement.period),
    onSuccess: (text) => downloadText(`statement-${statement.wallet_id}-${statement.period}.csv`, text),
    meta: { failure: "Could not download the CSV" },
  });
  const downloadJson = () => {
    downloadText(
      `statement-${statement.wallet_id}-${statement.period}.json`,
      `${JSON.stringify({ statement }, null, 2)}\n`,
      "application/json;charset=utf-8",
    );
    toast.success("Statement saved: check it any time with npm run verify-statement");
  };
  const currency = statement.currency;
  return (
    <section
      id="statement-sheet"
      aria-labelledby="statement-title"
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id="statement-title" className="text-lg font-semibold text-slate-900">
            Statement for {monthName(statement.period)}
          </h2>
          <p className="mt-0.5 text-sm text-slate-600">
            Wallet <span className="break-all font-mono text-xs">{statement.wallet_id}</span> · issued {dateTime(statement.issued_at)} UTC
            {statement.final ? "" : " · provisional: the month is not over"}
          </p>
        </div>
        <div className="statement-no-print flex flex-wrap gap-2">
          <Button variant="secondary" size="sm" onClick={downloadJson}>
            Download JSON
          </Button>
          <Button variant="secondary" size="sm" loading={csv.isPending} onClick={() => csv.mutate()}>
            Download CSV
          </Button>
          <Button variant="secondary" size="sm" onClick={() => window.print()}>
            Print
          </Button>
        </div>
      </div>
      <div className="mt-4">
        <Verification statement={statement} />
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Stat label="Opening balance" value={formatMoney(statement.opening_balance, { currency })} testId="statement-opening" />
        <Stat label="Money in" value={formatMoney(statement.total_in, { currency })} testId="statement-in" />
        <Stat label="Money out" value={formatMoney(statement.total_out, { currency })} testId="statement-out" />
        <Stat label="Closing balance" value={formatMoney(statement.closing_balance, { currency })} testId="statement-closing" />
      </dl>
      {statement.transactions.length === 0 ? (
        <p className="mt-6 text-sm text-slate-600">Nothing moved in this month.</p>
      ) : (
        <ScrollRegion label="Transactions of the month" className="mt-6">
          <table className="w-full min-w-[36rem] text-left text-sm">
            <caption className="sr-only">Transactions of {monthName(statement.period)}, oldest first</caption>
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-3">
                  Date (UTC)
                </th>
                <th scope="col" className="py-2 pr-3">
                  Description
                </th>
                <th scope="col" className="py-2 pr-3 text-right">
                  Amount
                </th>
                <th scope="col" className="py-2 text-right">
                  Balance
                </th>
              </tr>
            </thead>
            <tbody>
              {statement.transactions.map((t) => (
                <tr key={t.transaction_id} className="border-b border-slate-100 align-top">
                  <td className="py-2 pr-3 whitespace-nowrap">{dateTime(t.created_at)}</td>
                  <td className="py-2 pr-3">
                    <span className="block text-slate-900">{t.description ?? t.counterparty.name}</span>
                    <span className="block break-all font-mono text-[10px] text-slate-600" title="Chain hash">
                      {t.hash}
                    </span>
                  </td>
                  <td className="py-2 pr-3 text-right whitespace-nowrap tabular-nums">
                    {formatSignedMoney(t.amount, t.direction, currency)}
                  </td>
                  <td className="py-2 text-right whitespace-nowrap tabular-nums">{formatMoney(t.balance_after, { currency })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <p className="mt-4 break-all font-mono text-[10px] text-slate-600">
        Opening hash {statement.opening_hash} · closing hash {statement.closing_hash} · key {statement.key_id}
      </p>
    </section>
  );
}

export function StatementScreen() {
  const { walletId = "", period: chosen } = useParams();
  const period = chosen ?? currentPeriod();
  const navigate = useNavigate();
  const list = useStatementList(walletId);
  const statement = useStatement(walletId, period);
  const periods = [...new Set([currentPeriod(), period, ...(list.data ?? []).map((s) => s.period)])].sort().reverse();
  return (
    <>
      <style>{PRINT_CSS}</style>
      <PageHeader
        title="Statements"
        documentTitle={`Statement ${period}`}
        description="Signed monthly statements of your wallet: anyone can check them, offline."
      />
      <div className="space-y-6">
        <Card className="statement-no-print">
          <div className="flex flex-wrap items-end gap-3">
            <SelectField
              label="Month"
              wrapperClassName="min-w-48"
              value={period}
              onChange={(event) => navigate(`/wallet/${walletId}/statements/${event.target.value}`)}
            >
              {periods.map((p) => (
                <option key={p} value={p}>
                  {monthName(p)}
                </option>
              ))}
            </SelectField>
            <Link to="/wallet" className={buttonClass("secondary", "md")}>
              Back to the wallet
            </Link>
          </div>
        </Card>
        {statement.isPending ? (
          <LoadingBlock rows={5} label="Loading the statement…" />
        ) : statement.data === undefined ? (
          <ErrorState error={statement.error} title="Could not load the statement" onRetry={() => void statement.refetch()} />
        ) : statement.data === null ? (
          <EmptyState title="No statement" />
        ) : (
          <StatementSheet statement={statement.data} />
        )}
      </div>
    </>
  );
}
