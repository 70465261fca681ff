/**
 * Resource types, read off the typed client's responses rather than component names, so they keep
 * working whatever the generated OpenAPI document calls its schemas.
 */
import type { ClientPathsWithMethod, MethodResponse } from "openapi-fetch";
import type { ApiClient } from "./client";

type Get<P extends ClientPathsWithMethod<ApiClient, "get">> = MethodResponse<ApiClient, "get", P>;
type Post<P extends ClientPathsWithMethod<ApiClient, "post">> = MethodResponse<ApiClient, "post", P>;

export type User = Get<"/v1/auth/me">["user"];
export type Session = Get<"/v1/auth/sessions">["sessions"][number];
export type TwoFactorSetup = Post<"/v1/auth/2fa/setup">;
export type Wallet = Get<"/v1/wallet/{wallet_id}">["wallet"];
export type Transaction = Get<"/v1/wallet/{wallet_id}/transactions">["transactions"][number];
export type TransactionType = Transaction["type"];
/** The history's filters: a type, text in the description or counterparty, inclusive timestamps. */
export type TransactionFilters = { type: TransactionType | null; q?: string; from?: string; to?: string };
export type Loan = Get<"/v1/loan/{loan_id}">["loan"];
export type LoanStatus = Loan["status"];
export type LoanDelinquency = Loan["delinquency"];
export type Repayment = Get<"/v1/loan/{loan_id}/repayments">["repayments"][number];
export type Payment = Get<"/v1/payment/{transaction_id}">["payment"];
export type Goal = Get<"/v1/savings-goal/{goal_id}">["goal"];
export type Hold = Get<"/v1/wallet/{wallet_id}/holds">["holds"][number];
export type Transfer = Get<"/v1/transfers/{transfer_id}">["transfer"];
type DebtOptimiserAnswer = Post<"/v1/debt-optimiser">;
/** The UI asks with the default `include_schedule: true`, so every plan it gets has its schedule. */
export type Plan = DebtOptimiserAnswer["avalanche"] & Required<Pick<DebtOptimiserAnswer["avalanche"], "schedule">>;
export type DebtOptimiserResult = Omit<DebtOptimiserAnswer, "avalanche" | "snowball" | "minimum_only"> & {
  avalanche: Plan;
  snowball: Plan;
  minimum_only: Plan | null;
};
export type DeadLetter = Get<"/v1/admin/dead-letters">["dead_letters"][number];
export type Reconciliation = Get<"/v1/admin/reconciliation">;
export type AuditEntry = Get<"/v1/admin/audit-log">["entries"][number];

export const TRANSACTION_TYPES = [
  "DEPOSIT",
  "WITHDRAWAL",
  "LOAN_IN",
  "PAYMENT_OUT",
  "LOAN_REPAYMENT",
  "SAVINGS_ADD",
  "SAVINGS_REDEEM",
  "TRANSFER_OUT",
  "TRANSFER_IN",
  "REFUND",
  "ADJUSTMENT",
] as const satisfies readonly TransactionType[];

export const TRANSACTION_TYPE_LABELS: Record<TransactionType, string> = {
  DEPOSIT: "Deposit",
  WITHDRAWAL: "Withdrawal",
  LOAN_IN: "Loan disbursed",
  PAYMENT_OUT: "Payment",
  LOAN_REPAYMENT: "Loan repayment",
  SAVINGS_ADD: "Moved to savings",
  SAVINGS_REDEEM: "Savings redeemed",
  TRANSFER_OUT: "Transfer sent",
  TRANSFER_IN: "Transfer received",
  REFUND: "Refund",
  ADJUSTMENT: "Adjustment",
};
