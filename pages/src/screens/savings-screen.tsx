import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import { formatCents, parseCents } from "../../../workers/domain/money";
import { toApiError } from "../api/errors";
import {
  useAddToGoal,
  useArchiveGoal,
  useCreateGoal,
  useDeleteGoal,
  useGoals,
  useGoalTransactions,
  useRedeemGoal,
  useUpdateGoal,
} from "../api/hooks/savings";
import type { Goal, Transaction, Wallet } from "../api/types";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { useConfirm } from "../components/confirm";
import { EmptyState, QueryState } from "../components/feedback";
import { FormError, MoneyField, TextField } from "../components/field";
import { applyApiFieldErrors } from "../components/form-errors";
import { ProgressBar } from "../components/progress-bar";
import { StatusBadge } from "../components/status-badge";
import { WalletRequired } from "../components/wallet-required";
import { formatDate, formatDateTime } from "../lib/format";
import { formatMoney, formatSignedMoney } from "../lib/money";
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
  const onSubmit = form.handleSubmit(async ({ amount: asked }) => {
    let amount = asked;
    // A goal never holds more than its target: offer to add just what is missing instead.
    const missing = parseCents(goal.target_amount) - parseCents(goal.current_amount);
    if (parseCents(asked) > missing) {
      const capped = await confirm({
        title: `Add ${formatMoney(missing)} instead?`,
        body: `“${goal.goal_name}” needs only ${formatMoney(missing)} more to reach its ${formatMoney(goal.target_amount)} target, so ${formatMoney(asked)} would be more than it can hold.`,
        confirmLabel: `Add ${formatMoney(missing)}`,
      });
      if (!capped) return;
      amount = formatCents(missing);
    }
    if (parseCents(amount) > parseCents(wallet.available_balance)) {
      form.setError("amount", { message: `That is more than your spendable balance (${formatMoney(wallet.available_balance)})` });
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

/** The goal's own moves, newest first, each with what was in the goal after it (not the wallet's balance). */
function GoalMoves({ transactions }: { transactions: Transaction[] }) {
  const oldestFirst = [...transactions].sort(
    (a, b) => a.created_at.localeCompare(b.created_at) || a.transaction_id.localeCompare(b.transaction_id),
  );
  let inGoal = 0;
  const rows = oldestFirst.map((t) => {
    inGoal = t.type === "SAVINGS_ADD" ? inGoal + parseCents(t.amount) : Math.max(inGoal - parseCents(t.amount), 0);
    return { t, inGoal };
  });
  return (
    <ul className="divide-y divide-slate-200">
      {rows.reverse().map(({ t, inGoal: after }) => {
        const added = t.type === "SAVINGS_ADD";
        return (
          <li key={t.transaction_id} className="flex items-start justify-between gap-3 py-2.5" data-testid="goal-move">
            <div className="min-w-0">
              <p className="text-sm font-medium text-slate-900">{added ? "Added" : "Returned to your wallet"}</p>
              <p className="text-xs text-slate-600">
                <time dateTime={t.created_at}>{formatDateTime(t.created_at)}</time>
              </p>
            </div>
            <div className="shrink-0 text-right">
              <p className={`text-sm font-semibold tabular-nums ${added ? "text-emerald-700" : "text-slate-900"}`}>
                <span className="sr-only">{added ? "Into the goal: " : "Out of the goal: "}</span>
                {formatSignedMoney(t.amount, added ? "CREDIT" : "DEBIT")}
              </p>
              <p className="text-xs tabular-nums text-slate-600" data-testid="goal-move-after">
                In the goal {formatMoney(after)}
              </p>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function EditGoalForm({ goal, onDone }: { goal: Goal; onDone: () => void }) {
  const update = useUpdateGoal();
  const form = useForm({
    resolver: zodResolver(savingsGoalSchema()),
    defaultValues: { goal_name: goal.goal_name, target_amount: goal.target_amount, target_date: goal.target_date ?? "" },
  });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit((values) =>
    update.mutate(
      {
        goalId: goal.goal_id,
        changes: { goal_name: values.goal_name, target_amount: values.target_amount, target_date: values.target_date ?? null },
      },
      {
        onSuccess: onDone,
        onError: (error) => applyApiFieldErrors(error, form.setError, ["goal_name", "target_amount", "target_date"]),
      },
    ),
  );
  const apiError = update.error ? toApiError(update.error) : null;
  return (
    <form
      noValidate
      className="mt-4 space-y-3 rounded-lg border border-slate-200 p-3"
      onSubmit={onSubmit}
      aria-label={`Edit ${goal.goal_name}`}
    >
      <TextField label="Goal name" error={errors.goal_name?.message} {...form.register("goal_name")} />
      <MoneyField
        label="Target amount"
        hint={parseCents(goal.current_amount) > 0 ? `At least the ${formatMoney(goal.current_amount)} already saved` : undefined}
        error={errors.target_amount?.message}
        {...form.register("target_amount")}
      />
      <TextField
        label="Target date (optional)"
        type="date"
        min={localDateString()}
        error={errors.target_date?.message}
        {...form.register("target_date")}
      />
      <FormError message={apiError && apiError.code !== "VALIDATION_ERROR" ? apiError.message : null} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" loading={update.isPending}>
          Save changes
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
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
            {(list) => <GoalMoves transactions={list} />}
          </QueryState>
        </div>
      )}
    </details>
  );
}

const UNDO_MS = 5000;

function GoalCard({ goal, wallet, onDelete }: { goal: Goal; wallet: Wallet; onDelete: (goal: Goal) => void }) {
  const confirm = useConfirm();
  const redeem = useRedeemGoal();
  const archive = useArchiveGoal();
  const [editing, setEditing] = useState(false);
  const current = parseCents(goal.current_amount);
  const target = parseCents(goal.target_amount);
  const active = goal.status === "ACTIVE";
  // Redeeming needs the target reached, so a redeemed goal did reach it (its pocket is empty now).
  const reached = !active || current >= target;
  // Display-only ratio; the API's `progress` is preferred when present.
  const progress = !active ? 1 : typeof goal.progress === "number" ? goal.progress : target > 0 ? current / target : 0;

  const onRedeem = async () => {
    const ok = await confirm({
      title: `Redeem “${goal.goal_name}”?`,
      body: `${formatMoney(current)} moves back to your spendable balance and the goal closes.`,
      confirmLabel: "Redeem",
    });
    if (ok) redeem.mutate({ goalId: goal.goal_id });
  };

  const onDeleteClick = async () => {
    const ok = await confirm({
      title: `Delete “${goal.goal_name}”?`,
      body:
        current > 0
          ? `The ${formatMoney(current)} saved in it returns to your spendable balance first. You can undo for a few seconds.`
          : "You can undo for a few seconds.",
      confirmLabel: "Delete goal",
      tone: "danger",
    });
    if (ok) onDelete(goal);
  };

  return (
    <li className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="goal-card" data-status={goal.status}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="font-semibold wrap-anywhere text-slate-900">{goal.goal_name}</h3>
          <p className="text-sm tabular-nums text-slate-700" data-testid="goal-amounts">
            {active
              ? `${formatMoney(goal.current_amount)} of ${formatMoney(goal.target_amount)}`
              : `${formatMoney(goal.target_amount)} target reached and redeemed`}
            {active && goal.target_date && ` · by ${formatDate(goal.target_date)}`}
          </p>
        </div>
        <StatusBadge status={goal.status === "ARCHIVED" ? "REDEEMED" : goal.status} />
      </div>
      <div className="mt-3">
        <ProgressBar value={progress} label={`${goal.goal_name} progress`} testId="goal-progress" />
        <p className="mt-1 text-xs text-slate-600">
          {active ? `${Math.round(Math.min(Math.max(progress, 0), 1) * 100)}% saved` : `Reached on ${formatDate(goal.updated_at)}`}
          {active && !reached && goal.monthly_needed && ` · save ${formatMoney(goal.monthly_needed)} a month to reach it on time`}
          {active && reached && " · target reached, ready to redeem"}
          {!active && " · the money is back in your spendable balance"}
        </p>
      </div>
      {active && !editing && (
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
            <Button variant="secondary" onClick={() => setEditing(true)} aria-label={`Edit ${goal.goal_name}`}>
              Edit
            </Button>
            <Button variant="ghost-danger" onClick={onDeleteClick}>
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
      {active && editing && <EditGoalForm goal={goal} onDone={() => setEditing(false)} />}
      {goal.status === "REDEEMED" && (
        <div className="mt-4">
          <Button variant="secondary" size="sm" onClick={() => archive.mutate({ goalId: goal.goal_id })} loading={archive.isPending}>
            Archive
          </Button>
        </div>
      )}
      <GoalHistory goal={goal} />
    </li>
  );
}

/** Deleting waits a few seconds with an Undo in its toast; only then is the goal deleted (and its money returned). */
function useDeleteWithUndo() {
  const remove = useDeleteGoal();
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const forget = (goalId: string) =>
    setPending((ids) => {
      const next = new Set(ids);
      next.delete(goalId);
      return next;
    });

  // Leaving the screen does not cancel a delete that was asked for: it runs at once.
  useEffect(() => {
    const running = timers.current;
    return () => {
      for (const [goalId, timer] of running) {
        clearTimeout(timer);
        remove.mutate({ goalId });
      }
      running.clear();
    };
  }, [remove.mutate]);

  const schedule = (goal: Goal) => {
    setPending((ids) => new Set(ids).add(goal.goal_id));
    const toastId = `undo-${goal.goal_id}`;
    const undo = () => {
      clearTimeout(timers.current.get(goal.goal_id));
      timers.current.delete(goal.goal_id);
      forget(goal.goal_id);
      toast.dismiss(toastId);
      toast.success(`Kept “${goal.goal_name}”`);
    };
    toast(
      () => (
        <span className="flex flex-wrap items-center gap-2">
          <span>“{goal.goal_name}” will be deleted.</span>
          <Button variant="secondary" size="sm" onClick={undo}>
            Undo
          </Button>
        </span>
      ),
      { id: toastId, duration: UNDO_MS },
    );
    timers.current.set(
      goal.goal_id,
      setTimeout(() => {
        timers.current.delete(goal.goal_id);
        toast.dismiss(toastId);
        remove.mutate({ goalId: goal.goal_id }, { onSettled: () => forget(goal.goal_id) });
      }, UNDO_MS),
    );
  };
  return { pending, schedule };
}

function Goals({ wallet }: { wallet: Wallet }) {
  const goals = useGoals(wallet.wallet_id);
  const deletes = useDeleteWithUndo();
  return (
    <section aria-labelledby="goals-heading" className="space-y-3">
      <h2 id="goals-heading" className="text-base font-semibold text-slate-900">
        Your goals · {formatMoney(wallet.savings_balance)} saved
      </h2>
      <QueryState
        query={goals}
        isEmpty={(list) => list.filter((g) => !deletes.pending.has(g.goal_id)).length === 0}
        empty={<EmptyState title="No goals yet">Create one to start setting money aside.</EmptyState>}
      >
        {(list) => (
          <ul className="space-y-4">
            {list
              .filter((goal) => !deletes.pending.has(goal.goal_id))
              .sort((a, b) => (a.status === b.status ? b.created_at.localeCompare(a.created_at) : a.status === "ACTIVE" ? -1 : 1))
              .map((goal) => (
                <GoalCard key={goal.goal_id} goal={goal} wallet={wallet} onDelete={deletes.schedule} />
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
