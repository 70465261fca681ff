import { z } from "@hono/zod-openapi";
import { MAX_DEBTS } from "../domain/limits";
import { parseRate } from "../domain/rates";
import { jsonResponse } from "../lib/app";
import { amountSchema, moneyString, parseAmount } from "../lib/money";
import { userRoute } from "../lib/routes";
import { textSchema } from "../lib/text";
import { MAX_MONTHS } from "./simulate";

/** Annual percent 0..100 with at most two decimals, as a string or JSON number; yields basis points. */
export const aprSchema = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    // Numbers are read through their shortest decimal form, as amounts are (see money.ts).
    const bp = parseRate(typeof value === "number" ? String(value) : value);
    if (bp === null) {
      ctx.addIssue({ code: "custom", message: "apr must be a percent from 0 to 100 with at most two decimal places" });
      return z.NEVER;
    }
    return bp;
  })
  .openapi({ type: "string", example: "19.99", description: "Annual interest rate in percent, 0..100, at most two decimals." });

const ZERO = /^0(?:\.0{1,2})?$/;

/** Like amountSchema() but 0 is allowed: a debt may have no minimum payment. */
export const minimumPaymentSchema = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    if (ZERO.test(typeof value === "number" ? String(value) : value)) return 0;
    const parsed = parseAmount(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: `${parsed.message} (or 0)` });
      return z.NEVER;
    }
    return parsed.cents;
  })
  .openapi({
    type: "string",
    example: "25.00",
    description: "Minimum monthly payment, 0.00..1000000.00, at most two decimals; 0 means the debt has no minimum.",
  });

const DebtInput = z
  .strictObject({
    name: textSchema({ max: 40 }).openapi({
      example: "Credit card",
      description: "1..40 printable characters, unique within the request.",
    }),
    balance: amountSchema(),
    apr: aprSchema,
    minimum_payment: minimumPaymentSchema,
  })
  .openapi("DebtInput");

export const OptimiseRequest = z
  .strictObject({
    monthly_budget: amountSchema().openapi({ description: "Money available for all the debts each month." }),
    debts: z.array(DebtInput).min(1).max(MAX_DEBTS).optional(),
    include_schedule: z
      .union([z.boolean(), z.enum(["avalanche", "snowball", "minimum_only"])])
      .optional()
      .openapi({
        description:
          "`true` (the default when absent): every plan has its `schedule`; `false`: none has (the comparison alone, a few KB); a " +
          "strategy name: only that plan has it. Schedules that would exceed 2 MB of JSON are refused (400): ask " +
          "for one strategy, or none.",
      }),
    wallet_id: z
      .string()
      .optional()
      .openapi({
        description:
          "Instead of `debts`: use this wallet's APPROVED loans (name = purpose, or the loan id when the purpose " +
          "is empty or shared by two loans; balance = remaining_balance; apr = interest_rate). A wallet with no " +
          "approved loans gets three empty plans (months 0).",
      }),
  })
  .superRefine((body, ctx) => {
    if (body.debts === undefined && body.wallet_id === undefined) {
      ctx.addIssue({ code: "custom", path: ["debts"], message: "give either debts or wallet_id" });
    }
    if (body.debts !== undefined && body.wallet_id !== undefined) {
      ctx.addIssue({ code: "custom", path: ["wallet_id"], message: "give either debts or wallet_id, not both" });
    }
    // Names key the per-month maps of the answer, so they must be unique.
    const firstIndex = new Map<string, number>();
    body.debts?.forEach((debt, i) => {
      const first = firstIndex.get(debt.name);
      if (first === undefined) firstIndex.set(debt.name, i);
      else ctx.addIssue({ code: "custom", path: ["debts", i, "name"], message: `duplicate of debts.${first}.name` });
    });
  })
  .openapi("DebtOptimiserRequest");

const money = (description: string) => moneyString.openapi({ description });
const MoneyByDebt = (description: string) =>
  z.record(z.string(), moneyString).openapi({ description, example: { "Credit card": "1250.00" } });

export const PlanSchema = z
  .object({
    strategy: z.enum(["avalanche", "snowball", "minimum_only"]),
    months: z
      .number()
      .int()
      .openapi({ description: `Months until every balance is zero, up to ${MAX_MONTHS}; 0 only for a wallet with no approved loans.` }),
    total_interest: money("Interest accrued over the whole plan."),
    total_paid: money("Everything paid: the starting balances plus total_interest."),
    payoff_order: z.array(z.string()).openapi({
      description:
        "Debt names by the month they reach zero; debts cleared in the same month keep the strategy's priority order (input order for minimum_only).",
    }),
    debts: z
      .array(z.object({ name: z.string(), payoff_month: z.number().int(), interest_paid: moneyString }))
      .openapi({ description: "One entry per debt, in input order." }),
    schedule: z
      .array(
        z.object({
          month: z.number().int().openapi({ description: "1 for the first month." }),
          total_balance: money("Sum of the balances after this month's payments."),
          balances: MoneyByDebt("Each debt's balance after this month's payments; every debt appears, 0.00 once paid off."),
          payments: MoneyByDebt("What each debt was paid this month (minimum plus any extra); 0.00 once paid off."),
        }),
      )
      .optional()
      .openapi({ description: "One row per month, `months` rows; absent unless `include_schedule` asked for this plan." }),
  })
  .openapi("DebtPlan", {
    description:
      "Simulated in integer cents, month by month: interest round_half_up(balance × apr / 1200) on each debt " +
      "with a balance, then each debt's minimum (capped at its balance), then what is left of monthly_budget to " +
      "the debts in priority order. Money left in the final month is not spent.",
  });

export const OptimiseResponse = z
  .object({
    avalanche: PlanSchema.openapi({ description: "Extra money to the highest apr first (ties: input order)." }),
    snowball: PlanSchema.openapi({ description: "Extra money to the smallest starting balance first (ties: input order)." }),
    minimum_only: PlanSchema.nullable().openapi({
      description: `Only the minimums are paid; null when that does not clear every debt within ${MAX_MONTHS} months (or ever).`,
    }),
    recommended: z.enum(["avalanche", "snowball"]).openapi({
      description: "The plan with less total interest; avalanche on a tie.",
    }),
    interest_saved: money(
      "snowball.total_interest − avalanche.total_interest, signed. Usually ≥ 0.00; in rare cases cent rounding of " +
        'the monthly interest makes snowball a few cents cheaper, and then it is negative (e.g. "-0.01") and snowball ' +
        "is recommended.",
    ),
  })
  .openapi("DebtOptimiserResult");

export const optimiseDebts = userRoute({
  method: "post",
  path: "/debt-optimiser",
  operationId: "optimiseDebts",
  tags: ["Debt optimiser"],
  summary: "Compare avalanche, snowball and minimum-only payoff plans",
  description:
    "Give either `debts` or `wallet_id`. 422 BUDGET_TOO_LOW when monthly_budget is below the sum of the minimum " +
    `payments; 422 NEVER_PAID_OFF when avalanche or snowball would need more than ${MAX_MONTHS} months.`,
  rateLimit: "OPTIMISER_RATE_LIMIT",
  body: OptimiseRequest,
  responses: { 200: jsonResponse(OptimiseResponse, "The three plans and the recommendation") },
  errors: ["NOT_FOUND", "BUDGET_TOO_LOW", "NEVER_PAID_OFF"],
});
