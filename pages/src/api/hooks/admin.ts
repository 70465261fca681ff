import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, body } from "../client";
import { ApiError } from "../errors";
import { queryKeys } from "../keys";

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

export function useAdvanceClock() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (days: number) => (await body(api.POST("/v1/admin/clock/advance", { body: { days } }))).now,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["admin", "clock"] });
      void client.invalidateQueries({ queryKey: ["loans"] });
      void client.invalidateQueries({ queryKey: ["repayments"] });
    },
    meta: { success: "Clock moved; everything due has been processed", failure: "The clock could not be moved" },
  });
}

/** Loan decisions (approvals and rejections) from the audit log, newest first. */
export function useLoanDecisions() {
  return useQuery({
    queryKey: ["admin", "audit-log", "loan-decisions"] as const,
    queryFn: async () =>
      (await body(api.GET("/v1/admin/audit-log", { params: { query: { limit: 100 } } }))).entries.filter(
        (entry) => entry.action === "loan.approve" || entry.action === "loan.reject",
      ),
  });
}
