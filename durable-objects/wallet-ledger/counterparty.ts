import type { Counterparty, TransactionType } from "../wallet-ledger.types";

/** The counterparty accounts of API.md ("Double entry"). */
export const ACCOUNT_PATTERN = /^(funding|payouts|adjustments|merchants|(loan|wallet|goal):[\w-]{1,100})$/;

/**
 * The counterparty a movement's type implies when its caller names none: a deposit comes from
 * `funding`, a withdrawal goes to `payouts`, a payment to `merchants`, a loan's money to and from its
 * `loan:` account. Types whose other side only the caller knows (a repayment's loan, a transfer's
 * wallet) must be named.
 */
export function impliedCounterparty(type: TransactionType, referenceId: string | null, description: string | null): Counterparty {
  switch (type) {
    case "DEPOSIT":
      return { account: "funding", name: "Deposit" };
    case "WITHDRAWAL":
      return { account: "payouts", name: "Withdrawal" };
    case "PAYMENT_OUT":
    case "REFUND":
      return { account: "merchants", name: description ?? "Merchant" };
    case "ADJUSTMENT":
      return { account: "adjustments", name: "Adjustment" };
    case "LOAN_IN":
      if (referenceId) return { account: `loan:${referenceId}`, name: "Loan" };
      break;
    case "SAVINGS_ADD":
    case "SAVINGS_REDEEM":
      if (referenceId) return { account: `goal:${referenceId}`, name: "Savings goal" };
      break;
    default:
      break;
  }
  throw new Error(`a ${type} movement must name its counterparty`);
}

export function checkCounterparty(counterparty: Counterparty): Counterparty {
  if (!ACCOUNT_PATTERN.test(counterparty.account)) throw new Error(`not a counterparty account: ${counterparty.account}`);
  if (counterparty.name.length < 1 || counterparty.name.length > 200) throw new Error("a counterparty's name is 1..200 characters");
  return counterparty;
}
