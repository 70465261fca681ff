/**
 * The debt optimiser's maths: avalanche, snowball and minimum-only payoff plans, simulated month by
 * month in integer cents exactly as API.md specifies. Pure: no I/O, no clock, no floats.
 */
import { type Cents, formatCents, roundHalfUpDiv } from "../domain/money";

/** A strategy that does not clear every debt within this many months has no plan. */
export const MAX_MONTHS = 600;

export type Strategy = "avalanche" | "snowball" | "minimum_only";

export type Debt = {
  name: string;
  balance: Cents;
  /** Annual rate in basis points (hundredths of a percent): 12.5% is 1250. */
  aprBp: number;
  minimumPayment: Cents;
};

/** One simulated month; `balances` and `payments` are indexed like the input debts. */
export type MonthRow = { month: number; totalBalance: Cents; balances: Cents[]; payments: Cents[] };

export type Plan = {
  strategy: Strategy;
  months: number;
  totalInterest: Cents;
  totalPaid: Cents;
  payoffOrder: string[];
  debts: { name: string; payoffMonth: number; interestPaid: Cents }[];
  schedule: MonthRow[];
};

export type Optimisation =
  | {
      ok: true;
      avalanche: Plan;
      snowball: Plan;
      minimumOnly: Plan | null;
      recommended: "avalanche" | "snowball";
      /** Snowball's total interest minus avalanche's; negative when snowball is cheaper. */
      interestSaved: Cents;
    }
  | { ok: false; code: "BUDGET_TOO_LOW" | "NEVER_PAID_OFF"; message: string };

// Annual percent → monthly fraction: apr / 1200, and apr = aprBp / 100.
const MONTHLY_RATE_DENOMINATOR = 120_000;

/** round_half_up(balance × aprBp / 120000), exactly. */
export function monthlyInterest(balance: Cents, aprBp: number): Cents {
  if (balance <= 0 || aprBp === 0) return 0;
  // Hot path (50 debts × 600 months × 3 plans): while the numerator is a safe integer, the float
  // quotient is off by less than 1/denominator, so floor() of it is the exact integer quotient.
  // Five to ten times faster than BigInt, and the guard in simulate() keeps balances in this range.
  const numerator = 2 * balance * aprBp + MONTHLY_RATE_DENOMINATOR;
  if (Number.isSafeInteger(numerator)) return Math.floor(numerator / (2 * MONTHLY_RATE_DENOMINATOR));
  return Number(roundHalfUpDiv(BigInt(balance) * BigInt(aprBp), BigInt(MONTHLY_RATE_DENOMINATOR)));
}

/** Indices of `debts` in the order extra money goes to them; Array.sort is stable, so ties keep input order. */
function priority(debts: readonly Debt[], strategy: Strategy): number[] {
  const indices = debts.map((_, i) => i);
  if (strategy === "avalanche") indices.sort((a, b) => debts[b]!.aprBp - debts[a]!.aprBp);
  if (strategy === "snowball") indices.sort((a, b) => debts[a]!.balance - debts[b]!.balance);
  return indices;
}

/**
 * Simulates one strategy. Returns null when the debts are not all cleared within MAX_MONTHS
 * (including when they never would be).
 */
export function simulate(debts: readonly Debt[], monthlyBudget: Cents, strategy: Strategy): Plan | null {
  const n = debts.length;
  const order = priority(debts, strategy);
  const balances = debts.map((d) => d.balance);
  const interestPaid: Cents[] = new Array(n).fill(0);
  const payoffMonth: number[] = new Array(n).fill(0);
  // The most that can leave the debts in a month: minimum-only never pays more than the minimums.
  const capacity = strategy === "minimum_only" ? debts.reduce((sum, d) => sum + d.minimumPayment, 0) : monthlyBudget;
  let total = balances.reduce((sum, b) => sum + b, 0);
  const schedule: MonthRow[] = [];

  for (let month = 1; total > 0; month++) {
    // Interest never lowers a balance, so more owed than `capacity` times the months left cannot be
    // cleared in time. Stopping here also keeps every balance far below 2^53 when interest outruns
    // the payments, instead of compounding for 600 months.
    if (month > MAX_MONTHS || total > capacity * (MAX_MONTHS - month + 1)) return null;

    const payments: Cents[] = new Array(n).fill(0);
    const pay = (i: number, amount: Cents) => {
      if (amount === 0) return;
      balances[i]! -= amount;
      payments[i]! += amount;
      total -= amount;
      if (balances[i] === 0) payoffMonth[i] = month;
    };

    for (let i = 0; i < n; i++) {
      const interest = monthlyInterest(balances[i]!, debts[i]!.aprBp);
      balances[i]! += interest;
      interestPaid[i]! += interest;
      total += interest;
    }
    let left = monthlyBudget;
    for (let i = 0; i < n; i++) {
      const amount = Math.min(debts[i]!.minimumPayment, balances[i]!);
      pay(i, amount);
      left -= amount;
    }
    if (strategy !== "minimum_only") {
      for (const i of order) {
        if (left <= 0) break;
        const amount = Math.min(left, balances[i]!);
        pay(i, amount);
        left -= amount;
      }
    }
    schedule.push({ month, totalBalance: total, balances: balances.slice(), payments });
  }

  const totalInterest = interestPaid.reduce((sum, c) => sum + c, 0);
  // Cleared in the same month: priority order (input order for minimum-only) breaks the tie.
  const payoffOrder = order.slice().sort((a, b) => payoffMonth[a]! - payoffMonth[b]!);
  return {
    strategy,
    months: schedule.length,
    totalInterest,
    totalPaid: debts.reduce((sum, d) => sum + d.balance, 0) + totalInterest,
    payoffOrder: payoffOrder.map((i) => debts[i]!.name),
    debts: debts.map((d, i) => ({ name: d.name, payoffMonth: payoffMonth[i]!, interestPaid: interestPaid[i]! })),
    schedule,
  };
}

/** All three plans and the recommendation, or the API.md error that prevents them. */
export function optimise(debts: readonly Debt[], monthlyBudget: Cents): Optimisation {
  const minimums = debts.reduce((sum, d) => sum + d.minimumPayment, 0);
  if (monthlyBudget < minimums) {
    return {
      ok: false,
      code: "BUDGET_TOO_LOW",
      message: `monthly_budget ${formatCents(monthlyBudget)} is below the sum of the minimum payments ${formatCents(minimums)}`,
    };
  }
  const avalanche = simulate(debts, monthlyBudget, "avalanche");
  const snowball = simulate(debts, monthlyBudget, "snowball");
  if (!avalanche || !snowball) {
    return {
      ok: false,
      code: "NEVER_PAID_OFF",
      message: `monthly_budget ${formatCents(monthlyBudget)} does not clear the debts within ${MAX_MONTHS} months`,
    };
  }
  return {
    ok: true,
    avalanche,
    snowball,
    minimumOnly: simulate(debts, monthlyBudget, "minimum_only"),
    recommended: snowball.totalInterest < avalanche.totalInterest ? "snowball" : "avalanche",
    interestSaved: snowball.totalInterest - avalanche.totalInterest,
  };
}

/** A plan as API.md's `Plan`: money as "12.50" strings, per-month amounts keyed by debt name. */
/** Length of `formatCents(cents)` for cents >= 0, without building the string. */
function formattedLength(cents: Cents): number {
  let digits = 1;
  for (let n = Math.abs(cents); n >= 10; n = Math.floor(n / 10)) digits++;
  return Math.max(digits, 3) + 1 + (cents < 0 ? 1 : 0);
}

/**
 * The JSON size of a plan's schedule as `formatPlan` would answer it (to a few bytes per row),
 * counted without building it, so an answer of megabytes can be refused before it costs memory.
 */
export function scheduleBytes(plan: Plan): number {
  const keys = plan.debts.reduce((sum, d) => sum + JSON.stringify(d.name).length + 2, 0);
  let bytes = 0;
  for (const row of plan.schedule) {
    // {"month":N,"total_balance":"X","balances":{…},"payments":{…}},
    bytes += 58 + String(row.month).length + formattedLength(row.totalBalance) + 2 * keys;
    for (const cents of row.balances) bytes += formattedLength(cents) + 2;
    for (const cents of row.payments) bytes += formattedLength(cents) + 2;
  }
  return bytes;
}

/** A plan as the API answers it, without its month-by-month schedule. */
export function formatPlanSummary(plan: Plan) {
  return {
    strategy: plan.strategy,
    months: plan.months,
    total_interest: formatCents(plan.totalInterest),
    total_paid: formatCents(plan.totalPaid),
    payoff_order: plan.payoffOrder,
    debts: plan.debts.map((d) => ({
      name: d.name,
      payoff_month: d.payoffMonth,
      interest_paid: formatCents(d.interestPaid),
    })),
  };
}

export function formatPlan(plan: Plan) {
  const names = plan.debts.map((d) => d.name);
  // Copying a template made by Object.fromEntries gives every row own keys, so assigning to a debt
  // named "__proto__" writes that key instead of replacing the prototype; it is also ~3x faster
  // than Object.fromEntries per row, which matters for 50 debts x 600 months.
  const template: Record<string, string> = Object.fromEntries(names.map((name) => [name, ""]));
  const byName = (cents: Cents[]) => {
    const row = { ...template };
    for (let i = 0; i < names.length; i++) row[names[i]!] = formatCents(cents[i]!);
    return row;
  };
  return {
    ...formatPlanSummary(plan),
    schedule: plan.schedule.map((row) => ({
      month: row.month,
      total_balance: formatCents(row.totalBalance),
      balances: byName(row.balances),
      payments: byName(row.payments),
    })),
  };
}
