import { useMemo } from "react";
import { useLoansByWallet } from "../api/hooks/loans";
import type { Transaction } from "../api/types";
import { formatDateTime } from "../lib/format";
import { formatMoney, formatSignedMoney } from "../lib/money";
import { transactionTitle } from "../lib/transaction-title";

/**
 * Which loan a loan row is about, by loan id: the ledger names the counterparty only "Loan", so
 * its purpose (or amount) comes from the wallet's loans.
 */
export function useTransactionDetails(walletId: string): ReadonlyMap<string, string> {
  const loans = useLoansByWallet(walletId);
  return useMemo(() => {
    const details = new Map<string, string>();
    for (const loan of loans.data ?? []) {
      details.set(loan.loan_id, loan.purpose ? `for “${loan.purpose}”` : `${formatMoney(loan.amount)} loan`);
    }
    return details;
  }, [loans.data]);
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
      {transactions.map((t) => {
        const title = transactionTitle(t, details);
        // A payment's description is its merchant, already in the title.
        const description = t.description && t.description !== t.counterparty.name ? t.description : null;
        return (
          <li
            key={t.transaction_id}
            className="flex items-start justify-between gap-3 py-3"
            data-testid="transaction-row"
            data-type={t.type}
          >
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium text-slate-900" data-testid="transaction-title" title={title}>
                {title}
              </p>
              {description && (
                <p className="truncate text-sm text-slate-600" title={description}>
                  {description}
                </p>
              )}
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
        );
      })}
    </ul>
  );
}
