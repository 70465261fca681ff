import { zodResolver } from "@hookform/resolvers/zod";
import { lazy, Suspense, useId, useState } from "react";
import { useFieldArray, useForm, useWatch } from "react-hook-form";
import { MAX_DEBTS } from "../../../workers/domain/limits";
import { type Cents, parseCents } from "../../../workers/domain/money";
import { toApiError } from "../api/errors";
import { useDebtOptimiser } from "../api/hooks/debt";
import { useLoansByWallet } from "../api/hooks/loans";
import type { DebtOptimiserResult, Plan } from "../api/types";
import { useActiveWallet } from "../components/active-wallet";
import { Button } from "../components/button";
import { Card, PageHeader } from "../components/card";
import { EmptyState, Skeleton } from "../components/feedback";
import { FormError, MoneyField, TextField } from "../components/field";
import { ScrollRegion } from "../components/scroll-region";
import { WalletPicker } from "../components/wallet-picker";
import { formatMonths } from "../lib/chart-data";
import { formatMoney, sumMoney } from "../lib/money";
import { type DebtFormRow, type DebtOptimiserForm, type DebtOptimiserRequest, debtOptimiserSchema } from "../lib/validation";

const DebtChart = lazy(() => import("../components/charts/debt-chart").then((m) => ({ default: m.DebtChart })));

const EMPTY_DEBT: DebtFormRow = { name: "", balance: "", apr: "", minimum_payment: "" };
type StrategyKey = "avalanche" | "snowball" | "minimum_only";
const STRATEGY_NAMES: Record<StrategyKey, string> = {
  avalanche: "Avalanche",
  snowball: "Snowball",
  minimum_only: "Minimum payments only",
};
const SCHEDULE_PREVIEW = 24;

function budgetTooLow(budget: Cents, minimums: Cents): string {
  return `Your monthly budget (${formatMoney(budget)}) is below the sum of the minimum payments (${formatMoney(minimums)}). Raise it to at least ${formatMoney(minimums)}.`;
}

/** The API's refusal in words: its BUDGET_TOO_LOW message names fields and prints bare numbers. */
function optimiserErrorMessage(error: unknown): string {
  const apiError = toApiError(error);
  if (apiError.code === "BUDGET_TOO_LOW") {
    const [budget, minimums] = apiError.message.match(/\d+\.\d{2}/g) ?? [];
    if (budget && minimums) return budgetTooLow(parseCents(budget), parseCents(minimums));
    return "Your monthly budget is below the sum of the minimum payments.";
  }
  if (apiError.code === "NEVER_PAID_OFF")
    return "With this budget the debts are never paid off: the interest grows faster. Raise the budget.";
  return apiError.message;
}

function DebtForm({ onResult }: { onResult: (result: DebtOptimiserResult | null) => void }) {
  const { wallet } = useActiveWallet();
  const optimise = useDebtOptimiser();
  const loans = useLoansByWallet(wallet?.wallet_id);
  const form = useForm<DebtOptimiserForm, unknown, DebtOptimiserRequest>({
    resolver: zodResolver(debtOptimiserSchema),
    defaultValues: {
      source: "manual",
      monthly_budget: "",
      debts: [
        { ...EMPTY_DEBT, name: "Credit card" },
        { ...EMPTY_DEBT, name: "Car loan" },
      ],
    },
  });
  const debts = useFieldArray({ control: form.control, name: "debts" });
  const source = useWatch({ control: form.control, name: "source" });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((request) => {
    // Plans for other inputs must not stay on screen under a new answer or an error.
    onResult(null);
    optimise.reset();
    const minimums =
      request.source === "manual"
        ? sumMoney(request.debts.map((d) => d.minimum_payment))
        : loans.data
          ? sumMoney(loans.data.filter((l) => l.status === "APPROVED" && parseCents(l.remaining_balance) > 0).map((l) => l.minimum_payment))
          : 0;
    const budget = parseCents(request.monthly_budget);
    if (budget < minimums) {
      form.setError("monthly_budget", { message: budgetTooLow(budget, minimums) }, { shouldFocus: true });
      return;
    }
    optimise.mutate({ request, walletId: wallet?.wallet_id }, { onSuccess: onResult });
  });

  return (
    <Card title="Your debts" description="Compare paying the highest rate first (avalanche) with the smallest balance first (snowball).">
      <form noValidate className="space-y-5" onSubmit={onSubmit}>
        <MoneyField
          label="Monthly budget for debt"
          hint="At least the sum of the minimum payments"
          error={errors.monthly_budget?.message}
          {...form.register("monthly_budget")}
          wrapperClassName="max-w-xs"
        />
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-slate-800">Which debts?</legend>
          <div className="flex flex-wrap gap-4">
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" value="manual" className="size-4 accent-emerald-700" {...form.register("source")} />
              Enter my debts
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" value="loans" className="size-4 accent-emerald-700" disabled={!wallet} {...form.register("source")} />
              Use my approved loans
            </label>
          </div>
          {!wallet && <p className="mt-1 text-xs text-slate-600">Create a wallet to use your loans.</p>}
        </fieldset>

        {source === "manual" && (
          <fieldset className="space-y-4">
            <legend className="sr-only">Debts</legend>
            {debts.fields.map((field, index) => {
              const rowErrors = errors.debts?.[index];
              return (
                // One fieldset per debt, so each "Name", "Balance"… field is announced with its debt.
                <fieldset key={field.id} className="rounded-lg border border-slate-200 p-3">
                  <legend className="float-left text-sm leading-9 font-semibold text-slate-900">Debt {index + 1}</legend>
                  <div className="mb-2 flex justify-end">
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => debts.remove(index)}
                      disabled={debts.fields.length === 1}
                      aria-label={`Remove debt ${index + 1}`}
                    >
                      Remove
                    </Button>
                  </div>
                  <div className="clear-both grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                    <TextField label="Name" error={rowErrors?.name?.message} {...form.register(`debts.${index}.name`)} />
                    <MoneyField label="Balance" error={rowErrors?.balance?.message} {...form.register(`debts.${index}.balance`)} />
                    <TextField
                      label="APR"
                      inputMode="decimal"
                      suffix="%"
                      autoComplete="off"
                      hint="Yearly rate, e.g. 19.99"
                      error={rowErrors?.apr?.message}
                      {...form.register(`debts.${index}.apr`)}
                    />
                    <MoneyField
                      label="Minimum payment"
                      hint="0 if there is none"
                      error={rowErrors?.minimum_payment?.message}
                      {...form.register(`debts.${index}.minimum_payment`)}
                    />
                  </div>
                </fieldset>
              );
            })}
            <FormError message={errors.debts?.root?.message ?? errors.debts?.message} />
            <Button variant="secondary" size="sm" onClick={() => debts.append(EMPTY_DEBT)} disabled={debts.fields.length >= MAX_DEBTS}>
              Add a debt
            </Button>
          </fieldset>
        )}

        <Button type="submit" loading={optimise.isPending}>
          Compare strategies
        </Button>
        {optimise.error && (
          <div
            role="alert"
            className="rounded-lg border border-red-200 bg-red-50 px-4 py-4 text-sm text-red-900"
            data-testid="optimiser-error"
          >
            <p className="font-medium">No plan could be made</p>
            <p className="mt-1">{optimiserErrorMessage(optimise.error)}</p>
          </div>
        )}
      </form>
    </Card>
  );
}

function PlanCard({ plan, title, recommended }: { plan: Plan | null; title: string; recommended: boolean }) {
  const headingId = useId();
  const orderId = useId();
  return (
    <section
      aria-labelledby={headingId}
      className={`rounded-xl border p-4 ${recommended ? "border-emerald-600 ring-1 ring-emerald-600" : "border-slate-200"} bg-white`}
    >
      <div className="flex items-center justify-between gap-2">
        <h3 id={headingId} className="font-semibold text-slate-900">
          {title}
        </h3>
        {recommended && <span className="rounded-full bg-emerald-700 px-2 py-0.5 text-xs font-medium text-white">Recommended</span>}
      </div>
      {plan ? (
        <>
          <dl className="mt-3 grid grid-cols-2 gap-3 text-sm">
            <div>
              <dt className="text-slate-600">Debt-free in</dt>
              <dd className="font-semibold" data-testid={`plan-${plan.strategy}-months`}>
                {formatMonths(plan.months)}
              </dd>
            </div>
            <div>
              <dt className="text-slate-600">Total interest</dt>
              <dd className="font-semibold tabular-nums" data-testid={`plan-${plan.strategy}-interest`}>
                {formatMoney(plan.total_interest)}
              </dd>
            </div>
            <div className="col-span-2">
              <dt className="text-slate-600">Total paid</dt>
              <dd className="font-semibold tabular-nums">{formatMoney(plan.total_paid)}</dd>
            </div>
          </dl>
          <h4 id={orderId} className="mt-3 text-sm text-slate-600">
            Payoff order
          </h4>
          <ol aria-labelledby={orderId} className="mt-1 list-inside list-decimal text-sm">
            {plan.payoff_order.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ol>
        </>
      ) : (
        <p className="mt-3 text-sm text-slate-700">Paying only the minimums never clears these debts.</p>
      )}
    </section>
  );
}

function Verdict({ result }: { result: DebtOptimiserResult }) {
  const saved = parseCents(result.interest_saved);
  const winner = STRATEGY_NAMES[result.recommended];
  const text =
    saved === 0
      ? `Both strategies cost the same interest; ${winner.toLowerCase()} is recommended.`
      : `${winner} saves you ${formatMoney(Math.abs(saved))} in interest.`;
  return (
    <p className="rounded-lg bg-emerald-50 px-4 py-3 font-medium text-emerald-900" role="status">
      {text}
    </p>
  );
}

function MonthByMonth({ result }: { result: DebtOptimiserResult }) {
  const [strategy, setStrategy] = useState<StrategyKey>(result.recommended);
  const [showAll, setShowAll] = useState(false);
  const groupId = useId();
  const plan = result[strategy];
  const strategies = (Object.keys(STRATEGY_NAMES) as StrategyKey[]).filter((key) => result[key] !== null);
  const names = result.avalanche.debts.map((d) => d.name);
  const rows = plan ? (showAll ? plan.schedule : plan.schedule.slice(0, SCHEDULE_PREVIEW)) : [];

  return (
    <Card title="Month by month">
      <fieldset className="mb-4">
        <legend id={groupId} className="mb-2 text-sm font-medium text-slate-800">
          Strategy
        </legend>
        <div className="inline-flex flex-wrap rounded-lg border border-slate-300 p-0.5">
          {strategies.map((key) => (
            <label
              key={key}
              className={`cursor-pointer rounded-md px-3 py-1.5 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-emerald-700 ${
                strategy === key ? "bg-emerald-700 text-white" : "text-slate-700 hover:bg-slate-100"
              }`}
            >
              <input
                type="radio"
                name={groupId}
                value={key}
                checked={strategy === key}
                onChange={() => setStrategy(key)}
                className="sr-only"
              />
              {STRATEGY_NAMES[key]}
            </label>
          ))}
        </div>
      </fieldset>
      {plan && (
        <>
          <ScrollRegion label={`Payoff per debt, ${STRATEGY_NAMES[strategy]}`} className="mb-4">
            <table className="w-full text-sm">
              <caption className="sr-only">Payoff per debt with the {STRATEGY_NAMES[strategy]} strategy</caption>
              <thead className="text-left text-xs text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Debt
                  </th>
                  <th scope="col" className="py-2 pr-4 font-medium">
                    Paid off in
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    Interest paid
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {plan.debts.map((d) => (
                  <tr key={d.name}>
                    <th scope="row" className="py-1.5 pr-4 text-left font-medium">
                      {d.name}
                    </th>
                    <td className="py-1.5 pr-4">month {d.payoff_month}</td>
                    <td className="py-1.5 tabular-nums">{formatMoney(d.interest_paid)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          <ScrollRegion label={`Month by month, ${STRATEGY_NAMES[strategy]}`} className="max-h-[28rem] rounded-lg border border-slate-200">
            <table className="w-full text-right text-sm tabular-nums">
              <caption className="sr-only">Balance and payment per debt each month, {STRATEGY_NAMES[strategy]} strategy</caption>
              <thead className="sticky top-0 bg-slate-50 text-xs text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2 text-left font-medium">
                    Month
                  </th>
                  {names.map((name) => (
                    <th key={name} scope="col" className="px-3 py-2 font-medium">
                      {name}
                    </th>
                  ))}
                  <th scope="col" className="px-3 py-2 font-medium">
                    Total left
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => (
                  <tr key={row.month}>
                    <th scope="row" className="px-3 py-1.5 text-left font-normal">
                      {row.month}
                    </th>
                    {names.map((name) => (
                      <td key={name} className="px-3 py-1.5 whitespace-nowrap">
                        {formatMoney(row.balances[name] ?? "0.00")}
                        <span className="block text-xs text-slate-600">paid {formatMoney(row.payments[name] ?? "0.00")}</span>
                      </td>
                    ))}
                    <td className="px-3 py-1.5 font-medium whitespace-nowrap">{formatMoney(row.total_balance)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          {plan.schedule.length > SCHEDULE_PREVIEW && (
            <Button variant="secondary" size="sm" className="mt-3" onClick={() => setShowAll((all) => !all)}>
              {showAll ? `Show the first ${SCHEDULE_PREVIEW} months` : `Show all ${plan.schedule.length} months`}
            </Button>
          )}
        </>
      )}
    </Card>
  );
}

function Results({ result }: { result: DebtOptimiserResult }) {
  if (result.avalanche.months === 0) {
    return (
      <Card>
        <EmptyState title="Nothing to pay off">This wallet has no approved loans with a balance. Enter your debts instead.</EmptyState>
      </Card>
    );
  }
  // Every cent of principal is paid by the end, so total paid − interest is the starting balance.
  const startingBalance: Cents = parseCents(result.avalanche.total_paid) - parseCents(result.avalanche.total_interest);
  return (
    <div className="space-y-6">
      <Verdict result={result} />
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        <PlanCard plan={result.avalanche} title="Avalanche" recommended={result.recommended === "avalanche"} />
        <PlanCard plan={result.snowball} title="Snowball" recommended={result.recommended === "snowball"} />
        <PlanCard plan={result.minimum_only} title="Minimum payments only" recommended={false} />
      </div>
      <Card>
        <Suspense
          fallback={
            <div role="status">
              <span className="sr-only">Loading chart…</span>
              <Skeleton className="h-72 w-full" />
            </div>
          }
        >
          <DebtChart result={result} startingBalance={startingBalance} />
        </Suspense>
      </Card>
      <MonthByMonth key={result.recommended + result.avalanche.total_paid} result={result} />
    </div>
  );
}

export function DebtOptimiserScreen() {
  const [result, setResult] = useState<DebtOptimiserResult | null>(null);
  return (
    <>
      <PageHeader title="Debt optimiser" description="See how fast you can be debt-free, and what it costs, with two proven strategies." />
      {/* "Use my loans" reads the chosen wallet's loans. */}
      <WalletPicker />
      <div className="space-y-6">
        <DebtForm onResult={setResult} />
        {result && <Results result={result} />}
      </div>
    </>
  );
}
