import { useMemo } from "react";
import { useLoansByWallet } from "../api/hooks/loans";
import { usePaymentPages } from "../api/hooks/payments";
import { TRANSACTION_TYPE_LABELS, type Transaction } from "../api/types";
import { formatDateTime } from "../lib/format";
import { formatMoney, formatSignedMoney } from "../lib/money";

/** A transaction may name its counterparty (a later API version adds it); until then it is absent. */
type WithCounterparty = Transaction & { counterparty?: { name: string } | null };

/**
 * What each transaction was for, by its reference id: the merchant of a payment, the purpose of a
 * loan. The ledger's own row only says "payment" or "loan disbursement".
 */
export function useTransactionDetails(walletId: string): ReadonlyMap<string, string> {
  const payments = usePaymentPages(walletId);
  const loans = useLoansByWallet(walletId);
  return useMemo(() => {
    const details = new Map<string, string>();
    for (const page of payments.data?.pages ?? []) {
      for (const p of page.payments) details.set(p.transaction_id, `to ${p.merchant}`);
    }
    for (const loan of loans.data ?? []) {
      details.set(loan.loan_id, loan.purpose ? `for “${loan.purpose}”` : `${formatMoney(loan.amount)} loan`);
    }
    return details;
  }, [payments.data, loans.data]);
}

function title(t: WithCounterparty, details?: ReadonlyMap<string, string>): string {
  const label = TRANSACTION_TYPE_LABELS[t.type] ?? t.type;
  if (t.counterparty?.name) return `${label} · ${t.counterparty.name}`;
  const detail = t.reference_id ? details?.get(t.reference_id) : undefined;
  return detail ? `${label} ${detail}` : label;
}

/** Wallet transactions, newest first: a list that reads well at 360 px and on a screen reader. */
export function TransactionList({
  transactions,
  currency,
  details,
}: {
  transactions: Transaction[];
  currency?: string;
  details?: ReadonlyMap<string, string>;
}) {
  return (
    <ul className="divide-y divide-slate-200">
      {transactions.map((t) => (
        <li key={t.transaction_id} className="flex items-start justify-between gap-3 py-3" data-testid="transaction-row" data-type={t.type}>
          <div className="min-w-0">
            <p className="truncate font-medium text-slate-900" data-testid="transaction-title">
              {title(t, details)}
            </p>
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
