import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, body, idempotent } from "../client";
import { useMoneyMutation } from "../idempotency";
import { queryKeys } from "../keys";
import type { Loan, LoanDelinquency, LoanStatus } from "../types";
import { PAGE_SIZE } from "./wallet";

/** The caller's loans (an admin's: everyone's), optionally by status and standing (filtered by the API), newest first. */
export function useLoanPages(status: LoanStatus | null, delinquency: LoanDelinquency | null = null) {
  return useInfiniteQuery({
    queryKey: queryKeys.loanPages(status, delinquency),
    queryFn: async ({ pageParam }) =>
      body(
        api.GET("/v1/loan", {
          params: { query: { status: status ?? undefined, delinquency: delinquency ?? undefined, limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useLoansByWallet(walletId: string | undefined) {
  return useQuery({
    queryKey: queryKeys.loansByWallet(walletId ?? ""),
    queryFn: async () => (await body(api.GET("/v1/loan/by-wallet/{wallet_id}", { params: { path: { wallet_id: walletId ?? "" } } }))).loans,
    enabled: walletId !== undefined,
  });
}

export function useLoan(loanId: string) {
  return useQuery({
    queryKey: queryKeys.loan(loanId),
    queryFn: async () => (await body(api.GET("/v1/loan/{loan_id}", { params: { path: { loan_id: loanId } } }))).loan,
    // Interest and fees are charged by the clock, not by this screen: their business events
    // (loan.installment_due, loan.late_fee_charged) arrive on the user live feed, which re-reads loans.
  });
}

export function useLoanSchedule(loanId: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.loanSchedule(loanId),
    queryFn: async () => (await body(api.GET("/v1/loan/{loan_id}/schedule", { params: { path: { loan_id: loanId } } }))).schedule,
    enabled,
  });
}

export function useRepayments(loanId: string) {
  return useQuery({
    queryKey: queryKeys.repayments(loanId),
    queryFn: async () => (await body(api.GET("/v1/loan/{loan_id}/repayments", { params: { path: { loan_id: loanId } } }))).repayments,
  });
}

export type LoanApplication = { wallet_id: string; amount: string; loan_term_months: number; purpose?: string };

export function useApplyForLoan() {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async (application: LoanApplication, key: string) =>
      (await body(api.POST("/v1/loan", { body: application, ...idempotent(key) }))).loan,
    onSuccess: (loan) => {
      client.setQueryData(queryKeys.loan(loan.loan_id), loan);
      void client.invalidateQueries({ queryKey: queryKeys.loans });
    },
    meta: { success: "Loan application submitted", failure: "Loan application failed" },
  });
}

export function useRepayLoan() {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async ({ loanId, amount }: { loanId: string; amount: string }, key: string) =>
      (await body(api.POST("/v1/loan/{loan_id}/repay", { params: { path: { loan_id: loanId } }, body: { amount }, ...idempotent(key) })))
        .repayment,
    onSuccess: (repayment) => {
      void client.invalidateQueries({ queryKey: queryKeys.repayments(repayment.loan_id) });
      void client.invalidateQueries({ queryKey: queryKeys.loan(repayment.loan_id) });
    },
    meta: { notice: "Repayment requested", failure: "Repayment failed" },
  });
}

function useLoanDecision(decision: "approve" | "reject") {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async ({ loanId, reason }: { loanId: string; reason?: string }, key: string): Promise<Loan> => {
      const params = { path: { loan_id: loanId } };
      const call =
        decision === "approve"
          ? api.POST("/v1/loan/{loan_id}/approve", { params, ...idempotent(key) })
          : api.POST("/v1/loan/{loan_id}/reject", { params, body: { reason }, ...idempotent(key) });
      return (await body(call)).loan;
    },
    onSuccess: (loan) => {
      client.setQueryData(queryKeys.loan(loan.loan_id), loan);
      void client.invalidateQueries({ queryKey: queryKeys.loans });
      // The decision history (the audit log) has a new entry.
      void client.invalidateQueries({ queryKey: ["admin", "audit-log"] });
    },
    meta:
      decision === "approve"
        ? { success: "Loan approved; the principal is being disbursed", failure: "Approval failed" }
        : { success: "Loan rejected", failure: "Rejection failed" },
  });
}

export const useApproveLoan = () => useLoanDecision("approve");
export const useRejectLoan = () => useLoanDecision("reject");

/** What clears the loan today; refreshed with the loan. */
export function useLoanPayoff(loanId: string, enabled = true) {
  return useQuery({
    queryKey: [...queryKeys.loan(loanId), "payoff"] as const,
    queryFn: () => body(api.GET("/v1/loan/{loan_id}/payoff", { params: { path: { loan_id: loanId } } })),
    enabled,
  });
}

export function useSetAutopay() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ loanId, enabled }: { loanId: string; enabled: boolean }) =>
      (await body(api.POST("/v1/loan/{loan_id}/autopay", { params: { path: { loan_id: loanId } }, body: { enabled } }))).loan,
    onSuccess: (loan) => {
      client.setQueryData(queryKeys.loan(loan.loan_id), loan);
      void client.invalidateQueries({ queryKey: queryKeys.loans });
    },
    meta: { success: "Autopay updated", failure: "Autopay could not be changed" },
  });
}
