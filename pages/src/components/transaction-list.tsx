import { TRANSACTION_TYPE_LABELS, type Transaction } from "../api/types";
import { formatDateTime } from "../lib/format";
import { formatMoney, formatSignedMoney } from "../lib/money";

/** Wallet transactions, newest first: a list that reads well at 360 px and on a screen reader. */
export function TransactionList({ transactions, currency }: { transactions: Transaction[]; currency?: string }) {
  return (
    <ul className="divide-y divide-slate-200">
      {transactions.map((t) => (
        <li key={t.transaction_id} className="flex items-start justify-between gap-3 py-3" data-testid="transaction-row" data-type={t.type}>
          <div className="min-w-0">
            <p className="font-medium text-slate-900">{TRANSACTION_TYPE_LABELS[t.type] ?? t.type}</p>
            {t.description && <p className="truncate text-sm text-slate-600">{t.description}</p>}
            <p className="text-xs text-slate-600">
              <time dateTime={t.created_at}>{formatDateTime(t.created_at)}</time>
            </p>
          </div>
          <div className="shrink-0 text-right">
            <p className={`font-semibold tabular-nums ${t.direction === "CREDIT" ? "text-emerald-700" : "text-slate-900"}`}>
              <span className="sr-only">{t.direction === "CREDIT" ? "Money in: " : "Money out: "}</span>
              {formatSignedMoney(t.amount, t.direction, currency)}
            </p>
            <p className="text-xs tabular-nums text-slate-600">Balance {formatMoney(t.balance_after, { currency })}</p>
          </div>
        </li>
      ))}
    </ul>
  );
}
