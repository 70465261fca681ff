import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useAddToGoal, useCreateGoal, useDeleteGoal, useGoals, useGoalTransactions, useRedeemGoal } from "../api/hooks/savings";
import type { Goal, Wallet } from "../api/types";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { useConfirm } from "../components/confirm";
import { EmptyState, QueryState } from "../components/feedback";
import { MoneyField, TextField } from "../components/field";
import { applyApiFieldErrors } from "../components/form-errors";
import { ProgressBar } from "../components/progress-bar";
import { StatusBadge } from "../components/status-badge";
import { TransactionList } from "../components/transaction-list";
import { WalletRequired } from "../components/wallet-required";
import { formatDate } from "../lib/format";
import { formatMoney, parseMoney } from "../lib/money";
import { localDateString, savingsAddSchema, savingsGoalSchema } from "../lib/validation";

function CreateGoalForm({ wallet }: { wallet: Wallet }) {
  const create = useCreateGoal();
  const form = useForm({
    resolver: zodResolver(savingsGoalSchema()),
    defaultValues: { goal_name: "", target_amount: "", target_date: "" },
  });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit((values) =>
    create.mutate(
      { wallet_id: wallet.wallet_id, ...values },
      {
        onSuccess: () => form.reset(),
        onError: (error) => applyApiFieldErrors(error, form.setError, ["goal_name", "target_amount", "target_date"]),
      },
    ),
  );
  return (
    <Card title="New goal" description="Money you set aside stays in your wallet, in its own pocket.">
      <form noValidate className="space-y-4" onSubmit={onSubmit}>
        <TextField label="Goal name" hint="For example: Holiday" error={errors.goal_name?.message} {...form.register("goal_name")} />
        <MoneyField label="Target amount" error={errors.target_amount?.message} {...form.register("target_amount")} />
        <TextField
          label="Target date (optional)"
          type="date"
          min={localDateString()}
          error={errors.target_date?.message}
          {...form.register("target_date")}
        />
        <Button type="submit" loading={create.isPending}>
          Create goal
        </Button>
      </form>
    </Card>
  );
}

function AddMoneyForm({ goal, wallet }: { goal: Goal; wallet: Wallet }) {
  const confirm = useConfirm();
  const add = useAddToGoal();
  const form = useForm({ resolver: zodResolver(savingsAddSchema), defaultValues: { amount: "" } });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit(async ({ amount }) => {
    if (parseMoney(amount) > parseMoney(wallet.balance)) {
      form.setError("amount", { message: `That is more than your spendable balance (${formatMoney(wallet.balance)})` });
      return;
    }
    const ok = await confirm({
      title: `Move ${formatMoney(amount)} to “${goal.goal_name}”?`,
      body: `${formatMoney(amount)} moves from your spendable balance into this goal.`,
      confirmLabel: "Add to goal",
    });
    if (!ok) return;
    add.mutate(
      { goalId: goal.goal_id, amount },
      { onSuccess: () => form.reset(), onError: (error) => applyApiFieldErrors(error, form.setError, ["amount"]) },
    );
  });
  return (
    <form noValidate className="flex flex-wrap items-end gap-2" onSubmit={onSubmit}>
      <MoneyField
        label={`Add to ${goal.goal_name}`}
        wrapperClassName="min-w-0 flex-1"
        error={errors.amount?.message}
        {...form.register("amount")}
      />
      <Button type="submit" variant="secondary" loading={add.isPending}>
        Add
      </Button>
    </form>
  );
}

function GoalHistory({ goal }: { goal: Goal }) {
  const [open, setOpen] = useState(false);
  const history = useGoalTransactions(goal.goal_id, open);
  return (
    <details className="mt-3" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary className="cursor-pointer text-sm font-medium text-emerald-800">Contribution history</summary>
      {open && (
        <div className="mt-2">
          <QueryState
            query={history}
            isEmpty={(list) => list.length === 0}
            empty={<p className="text-sm text-slate-600">No contributions yet.</p>}
          >
            {(list) => <TransactionList transactions={list} />}
          </QueryState>
        </div>
      )}
    </details>
  );
}

function GoalCard({ goal, wallet }: { goal: Goal; wallet: Wallet }) {
  const confirm = useConfirm();
  const redeem = useRedeemGoal();
  const remove = useDeleteGoal();
  const current = parseMoney(goal.current_amount);
  const target = parseMoney(goal.target_amount);
  const reached = current >= target;
  // Display-only ratio; the API's `progress` is preferred when present.
  const progress = typeof goal.progress === "number" ? goal.progress : target > 0 ? current / target : 0;
  const active = goal.status === "ACTIVE";

  const onRedeem = async () => {
    const ok = await confirm({
      title: `Redeem “${goal.goal_name}”?`,
      body: `${formatMoney(current)} moves back to your spendable balance and the goal closes.`,
      confirmLabel: "Redeem",
    });
    if (ok) redeem.mutate({ goalId: goal.goal_id });
  };

  const onDelete = async () => {
    const ok = await confirm({
      title: `Delete “${goal.goal_name}”?`,
      body:
        current > 0
          ? `The ${formatMoney(current)} saved in it returns to your spendable balance first. This cannot be undone.`
          : "This cannot be undone.",
      confirmLabel: "Delete goal",
      tone: "danger",
    });
    if (ok) remove.mutate({ goalId: goal.goal_id });
  };

  return (
    <li className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="goal-card">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="font-semibold text-slate-900">{goal.goal_name}</h3>
          <p className="text-sm tabular-nums text-slate-700">
            {formatMoney(goal.current_amount)} of {formatMoney(goal.target_amount)}
            {goal.target_date && ` · by ${formatDate(goal.target_date)}`}
          </p>
        </div>
        <StatusBadge status={goal.status} />
      </div>
      <div className="mt-3">
        <ProgressBar value={progress} label={`${goal.goal_name} progress`} testId="goal-progress" />
        <p className="mt-1 text-xs text-slate-600">
          {Math.round(Math.min(Math.max(progress, 0), 1) * 100)}% saved
          {active && !reached && goal.monthly_needed && ` · save ${formatMoney(goal.monthly_needed)} a month to reach it on time`}
          {active && reached && " · target reached, ready to redeem"}
        </p>
      </div>
      {active && (
        <div className="mt-4 space-y-3">
          {!reached && <AddMoneyForm goal={goal} wallet={wallet} />}
          <div className="flex flex-wrap gap-2">
            <Button
              onClick={onRedeem}
              disabled={!reached}
              loading={redeem.isPending}
              aria-describedby={reached ? undefined : `${goal.goal_id}-redeem-hint`}
            >
              Redeem
            </Button>
            <Button variant="ghost-danger" onClick={onDelete} loading={remove.isPending}>
              Delete
            </Button>
          </div>
          {!reached && (
            <p id={`${goal.goal_id}-redeem-hint`} className="text-xs text-slate-600">
              You can redeem once the goal reaches its target.
            </p>
          )}
        </div>
      )}
      <GoalHistory goal={goal} />
    </li>
  );
}

function Goals({ wallet }: { wallet: Wallet }) {
  const goals = useGoals(wallet.wallet_id);
  return (
    <section aria-labelledby="goals-heading" className="space-y-3">
      <h2 id="goals-heading" className="text-base font-semibold text-slate-900">
        Your goals · {formatMoney(wallet.savings_balance)} saved
      </h2>
      <QueryState
        query={goals}
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState title="No goals yet">Create one to start setting money aside.</EmptyState>}
      >
        {(list) => (
          <ul className="space-y-4">
            {[...list]
              .sort((a, b) => (a.status === b.status ? b.created_at.localeCompare(a.created_at) : a.status === "ACTIVE" ? -1 : 1))
              .map((goal) => (
                <GoalCard key={goal.goal_id} goal={goal} wallet={wallet} />
              ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}

export function SavingsScreen() {
  return (
    <>
      <PageHeader title="Savings goals" description="Set targets, add money as you go, redeem when you get there." />
      <WalletRequired purpose="Savings goals live inside a wallet, so create one first.">
        {(wallet) => (
          <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
            <div>
              <CreateGoalForm wallet={wallet} />
            </div>
            <Goals wallet={wallet} />
          </div>
        )}
      </WalletRequired>
    </>
  );
}
