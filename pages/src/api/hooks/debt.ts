import { useMutation } from "@tanstack/react-query";
import type { DebtOptimiserRequest } from "../../lib/validation";
import { api, body } from "../client";
import type { DebtOptimiserResult } from "../types";

/** Runs the debt optimiser (read-only: no money moves, so no idempotency key). */
export function useDebtOptimiser() {
  return useMutation({
    // Asked without include_schedule, so every plan carries its schedule (DebtOptimiserResult).
    mutationFn: async ({ request, walletId }: { request: DebtOptimiserRequest; walletId: string | undefined }) =>
      (await body(
        api.POST("/v1/debt-optimiser", {
          body:
            request.source === "loans"
              ? { monthly_budget: request.monthly_budget, wallet_id: walletId }
              : { monthly_budget: request.monthly_budget, debts: request.debts },
        }),
      )) as DebtOptimiserResult,
    meta: { success: "Plans ready", inlineFailure: true },
  });
}
