import { TRANSACTION_TYPE_LABELS, type Transaction } from "../api/types";

const LOAN_ACCOUNT = /^loan:(.+)$/;
/** Counterparties whose name only repeats the kind of movement ("Deposit", "Withdrawal", "Adjustment"). */
const SELF_NAMED = new Set(["funding", "payouts", "adjustments"]);

type Titled = Pick<Transaction, "type" | "counterparty">;

/** The row's headline: what happened and with whom (the merchant, the loan, the goal, the other wallet). */
export function transactionTitle(t: Titled, details?: ReadonlyMap<string, string>): string {
  const label = TRANSACTION_TYPE_LABELS[t.type] ?? t.type;
  const { account, name } = t.counterparty;
  const loanId = LOAN_ACCOUNT.exec(account)?.[1];
  if (loanId) {
    const detail = details?.get(loanId);
    return detail ? `${label} ${detail}` : label;
  }
  if (t.type === "PAYMENT_OUT") return `${label} to ${name}`;
  return name && name !== label && !SELF_NAMED.has(account) ? `${label} · ${name}` : label;
}
