/**
 * Query keys. Prefixes are chosen so the live feed can invalidate whole families at once:
 * ["transactions", walletId], ["payments"], ["loans"], ["repayments"], ["goals"], ["transfers"].
 */
import type { LoanDelinquency, LoanStatus, TransactionFilters } from "./types";

export const queryKeys = {
  me: ["auth", "me"] as const,
  sessions: ["auth", "sessions"] as const,
  walletList: ["wallets", "list"] as const,
  transactions: (walletId: string) => ["transactions", walletId] as const,
  holds: (walletId: string) => ["holds", walletId] as const,
  transactionPages: (walletId: string, filters: TransactionFilters) => ["transactions", walletId, "pages", filters] as const,
  recentTransactions: (walletId: string, limit: number) => ["transactions", walletId, "recent", limit] as const,
  loans: ["loans"] as const,
  loanPages: (status: LoanStatus | null, delinquency: LoanDelinquency | null = null) => ["loans", "pages", status, delinquency] as const,
  loansByWallet: (walletId: string) => ["loans", "by-wallet", walletId] as const,
  loan: (loanId: string) => ["loans", "detail", loanId] as const,
  loanSchedule: (loanId: string) => ["loans", "detail", loanId, "schedule"] as const,
  repayments: (loanId: string) => ["repayments", loanId] as const,
  payments: ["payments"] as const,
  paymentPages: (walletId: string) => ["payments", "by-wallet", walletId] as const,
  payment: (paymentId: string) => ["payments", "detail", paymentId] as const,
  goals: (walletId: string) => ["goals", "by-wallet", walletId] as const,
  goalTransactions: (goalId: string) => ["goals", "transactions", goalId] as const,
  transfers: ["transfers"] as const,
  transferPages: (walletId: string) => ["transfers", "by-wallet", walletId] as const,
  transfer: (transferId: string) => ["transfers", "detail", transferId] as const,
  deadLetters: ["admin", "dead-letters"] as const,
  notifications: ["notifications"] as const,
  apiKeys: ["api-keys"] as const,
  webhooks: ["webhooks"] as const,
  deliveries: (webhookId: string) => ["webhooks", "deliveries", webhookId] as const,
  reconciliation: ["admin", "reconciliation"] as const,
};
