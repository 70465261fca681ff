import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import toast from "react-hot-toast";
import { formatMoney } from "../../lib/money";
import { api, body, idempotent } from "../client";
import { useMoneyMutation } from "../idempotency";
import { queryKeys } from "../keys";
import type { Goal } from "../types";
import { storeWallet } from "./wallet";

export function useGoals(walletId: string) {
  return useQuery({
    queryKey: queryKeys.goals(walletId),
    queryFn: async () =>
      (await body(api.GET("/v1/savings-goal/by-wallet/{wallet_id}", { params: { path: { wallet_id: walletId } } }))).goals,
  });
}

export function useGoalTransactions(goalId: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.goalTransactions(goalId),
    queryFn: async () =>
      (await body(api.GET("/v1/savings-goal/{goal_id}/transactions", { params: { path: { goal_id: goalId } } }))).transactions,
    enabled,
  });
}

function useStoreGoal() {
  const client = useQueryClient();
  return (goal: Goal) => {
    client.setQueryData<Goal[]>(queryKeys.goals(goal.wallet_id), (goals) =>
      goals?.some((g) => g.goal_id === goal.goal_id) ? goals.map((g) => (g.goal_id === goal.goal_id ? goal : g)) : [...(goals ?? []), goal],
    );
    void client.invalidateQueries({ queryKey: queryKeys.goals(goal.wallet_id) });
    void client.invalidateQueries({ queryKey: queryKeys.goalTransactions(goal.goal_id) });
    void client.invalidateQueries({ queryKey: queryKeys.transactions(goal.wallet_id) });
  };
}

export type GoalRequest = { wallet_id: string; goal_name: string; target_amount: string; target_date?: string };

export function useCreateGoal() {
  const storeGoal = useStoreGoal();
  return useMoneyMutation({
    request: async (goal: GoalRequest, key: string) => (await body(api.POST("/v1/savings-goal", { body: goal, ...idempotent(key) }))).goal,
    onSuccess: storeGoal,
    meta: { success: "Savings goal created", failure: "Could not create the goal" },
  });
}

export function useAddToGoal() {
  const client = useQueryClient();
  const storeGoal = useStoreGoal();
  return useMoneyMutation({
    request: async ({ goalId, amount }: { goalId: string; amount: string }, key: string) =>
      body(api.POST("/v1/savings-goal/{goal_id}/add", { params: { path: { goal_id: goalId } }, body: { amount }, ...idempotent(key) })),
    onSuccess: ({ goal, wallet }) => {
      storeWallet(client, wallet);
      storeGoal(goal);
    },
    meta: { success: "Added to your goal", failure: "Could not add to the goal" },
  });
}

export function useRedeemGoal() {
  const client = useQueryClient();
  const storeGoal = useStoreGoal();
  return useMoneyMutation({
    request: async ({ goalId }: { goalId: string }, key: string) =>
      body(api.POST("/v1/savings-goal/{goal_id}/redeem", { params: { path: { goal_id: goalId } }, ...idempotent(key) })),
    onSuccess: ({ goal, wallet }) => {
      storeWallet(client, wallet);
      storeGoal(goal);
    },
    meta: { success: "Goal redeemed; the money is back in your spendable balance", failure: "Could not redeem the goal" },
  });
}

export function useDeleteGoal() {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async ({ goalId }: { goalId: string }, key: string) =>
      body(api.DELETE("/v1/savings-goal/{goal_id}", { params: { path: { goal_id: goalId } }, ...idempotent(key) })),
    onSuccess: ({ goal, returned_amount }) => {
      client.setQueryData<Goal[]>(queryKeys.goals(goal.wallet_id), (goals) => goals?.filter((g) => g.goal_id !== goal.goal_id));
      void client.invalidateQueries({ queryKey: queryKeys.goals(goal.wallet_id) });
      void client.invalidateQueries({ queryKey: queryKeys.walletList });
      void client.invalidateQueries({ queryKey: queryKeys.transactions(goal.wallet_id) });
      toast.success(`Goal deleted; ${formatMoney(returned_amount)} returned to your wallet`);
    },
    meta: { failure: "Could not delete the goal" },
  });
}

export type GoalChanges = { goal_name?: string; target_amount?: string; target_date?: string | null };

/** Editing moves no money, so no idempotency key: the same change sent twice lands the same. */
export function useUpdateGoal() {
  const storeGoal = useStoreGoal();
  return useMutation({
    mutationFn: async ({ goalId, changes }: { goalId: string; changes: GoalChanges }) =>
      (await body(api.PATCH("/v1/savings-goal/{goal_id}", { params: { path: { goal_id: goalId } }, body: changes }))).goal,
    onSuccess: storeGoal,
    meta: { success: "Goal updated", inlineFailure: true },
  });
}

export function useArchiveGoal() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ goalId }: { goalId: string }) =>
      (await body(api.POST("/v1/savings-goal/{goal_id}/archive", { params: { path: { goal_id: goalId } } }))).goal,
    onSuccess: (goal) => {
      client.setQueryData<Goal[]>(queryKeys.goals(goal.wallet_id), (goals) => goals?.filter((g) => g.goal_id !== goal.goal_id));
      void client.invalidateQueries({ queryKey: queryKeys.goals(goal.wallet_id) });
    },
    meta: { success: "Goal archived", failure: "Could not archive the goal" },
  });
}
