import { type InfiniteData, type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "../../lib/format";
import { type ApiClient, api, body } from "../client";
import { ApiError } from "../errors";
import { queryKeys } from "../keys";
import type { Loan } from "../types";

export function useDeadLetters() {
  return useQuery({
    queryKey: queryKeys.deadLetters,
    queryFn: async () => (await body(api.GET("/v1/admin/dead-letters"))).dead_letters,
  });
}

export function useReplayDeadLetter() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (deadLetterId: string) =>
      (await body(api.POST("/v1/admin/dead-letters/{dead_letter_id}/replay", { params: { path: { dead_letter_id: deadLetterId } } })))
        .dead_letter,
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.deadLetters }),
    meta: { success: "Event published again", failure: "Replay failed" },
  });
}

export function useReconciliation() {
  return useQuery({
    queryKey: queryKeys.reconciliation,
    queryFn: () => body(api.GET("/v1/admin/reconciliation")),
    staleTime: 0,
    refetchOnWindowFocus: false,
  });
}

/** The test clock; a 404 means this environment has none (production), and the panel is not shown. */
export function useClock() {
  return useQuery({
    queryKey: ["admin", "clock"] as const,
    queryFn: async () => {
      try {
        return await body(api.GET("/v1/admin/clock"));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    retry: false,
  });
}

/** What a clock move answered: 200 `settled: true`, or 202 `settled: false` when a saga still has due work. */
export type ClockAdvance = { now: string; settled: boolean };

/** Moves the test clock `days` forward. */
export async function advanceClock(days: number, client: ApiClient = api): Promise<ClockAdvance> {
  const { now, settled } = await body(client.POST("/v1/admin/clock/advance", { body: { days } }));
  return { now, settled };
}

/** The clock panel's line for a move: done, or done but with autopay debits still finishing (the 202). */
export function clockAdvanceMessage({ now, settled }: ClockAdvance): { tone: "success" | "pending"; text: string } {
  const moved = `Clock moved to ${formatDateTime(now)}`;
  return settled
    ? { tone: "success", text: `${moved}; everything due has been processed.` }
    : {
        tone: "pending",
        text: `${moved}; some autopay debits are still finishing. They complete in the background within a minute or two.`,
      };
}

export function useAdvanceClock() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (days: number) => advanceClock(days),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["admin", "clock"] });
      void client.invalidateQueries({ queryKey: ["loans"] });
      void client.invalidateQueries({ queryKey: ["repayments"] });
    },
    // The panel says what happened (and whether anything is still finishing) beside its buttons.
    meta: { failure: "The clock could not be moved" },
  });
}

export const LOAN_DECISION_ACTIONS = ["loan.approve", "loan.reject"] as const;

/** Loan decisions (approvals and rejections) from the audit log, filtered by the API, newest first. */
export function useLoanDecisions() {
  return useInfiniteQuery({
    queryKey: ["admin", "audit-log", "loan-decisions"] as const,
    queryFn: async ({ pageParam }) =>
      body(
        api.GET("/v1/admin/audit-log", {
          params: { query: { action: [...LOAN_DECISION_ACTIONS], limit: DECISIONS_PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

const DECISIONS_PAGE_SIZE = 20;

/** A loan held by a loan list already loaded (any status filter), and when that list was fetched. */
function loanFromLists(client: QueryClient, loanId: string): { loan: Loan; updatedAt: number } | undefined {
  for (const query of client.getQueryCache().findAll({ queryKey: ["loans", "pages"] })) {
    const data = query.state.data as InfiniteData<{ loans: Loan[] }> | undefined;
    const loan = data?.pages.flatMap((page) => page.loans).find((candidate) => candidate.loan_id === loanId);
    if (loan) return { loan, updatedAt: query.state.dataUpdatedAt };
  }
  return undefined;
}

/**
 * The loan a decision was about, for its applicant and amount: from a loan list already loaded when
 * one holds it, else its own GET (the loan's detail query, shared with its screen).
 */
export function useDecisionLoan(loanId: string | null) {
  const client = useQueryClient();
  return useQuery({
    queryKey: queryKeys.loan(loanId ?? ""),
    queryFn: async () => (await body(api.GET("/v1/loan/{loan_id}", { params: { path: { loan_id: loanId ?? "" } } }))).loan,
    enabled: loanId !== null,
    initialData: () => (loanId === null ? undefined : loanFromLists(client, loanId)?.loan),
    initialDataUpdatedAt: () => (loanId === null ? undefined : loanFromLists(client, loanId)?.updatedAt),
  });
}
