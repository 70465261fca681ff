import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, body } from "../client";
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
