/**
 * Pure data shaping for the charts. Amounts stay integer cents, also in what the charts plot; only
 * axis and tooltip labels turn them into money text.
 */
import { scaleLinear, scaleTime } from "d3-scale";
import { type Cents, parseCents } from "../../../workers/domain/money";

type LedgerRow = {
  transaction_id: string;
  type: string;
  direction: "CREDIT" | "DEBIT";
  amount: string;
  balance_after: string;
  created_at: string;
};

export type BalancePoint = { at: string; balance: Cents };

/** The balance after each transaction, oldest first (the API lists newest first). */
export function balanceSeries(transactions: readonly LedgerRow[]): BalancePoint[] {
  return [...transactions]
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.transaction_id.localeCompare(b.transaction_id))
    .map((t) => ({ at: t.created_at, balance: parseCents(t.balance_after) }));
}

/**
 * Moves between a person's own pockets: money set aside in a savings goal (and back) is neither
 * income nor spending, so the money-in/out chart leaves it out.
 */
export const INTERNAL_TYPES: ReadonlySet<string> = new Set(["SAVINGS_ADD", "SAVINGS_REDEEM"]);
/** Borrowed and repaid money: real movements, but not income or spending either. */
export const LOAN_TYPES: ReadonlySet<string> = new Set(["LOAN_IN", "LOAN_REPAYMENT"]);

export type FlowTotals = { income: Cents; spending: Cents; borrowed: Cents; repaid: Cents; internal: number };

/** Income and spending without internal moves and loans, which are counted on their own. */
export function flowTotals(transactions: readonly LedgerRow[]): FlowTotals {
  const totals: FlowTotals = { income: 0, spending: 0, borrowed: 0, repaid: 0, internal: 0 };
  for (const t of transactions) {
    const cents = parseCents(t.amount);
    if (INTERNAL_TYPES.has(t.type)) totals.internal += 1;
    else if (t.type === "LOAN_IN") totals.borrowed += cents;
    else if (t.type === "LOAN_REPAYMENT") totals.repaid += cents;
    else if (t.direction === "CREDIT") totals.income += cents;
    else totals.spending += cents;
  }
  return totals;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

export type TimeAxis = { domain: [number, number]; ticks: number[]; unit: "second" | "minute" | "day" };

/**
 * A time axis over `from`..`to` (ms): at least a minute wide (a burst of moves within seconds is
 * centred in it), with round ticks (seconds, minutes, hours, days… as the span needs) and the unit
 * the labels need so that no two read the same.
 */
export function timeAxis(from: number, to: number, count = 5): TimeAxis {
  const middle = (from + to) / 2;
  const domain: [number, number] = to - from < MINUTE ? [middle - MINUTE / 2, middle + MINUTE / 2] : [from, to];
  const ticks = scaleTime()
    .domain([new Date(domain[0]), new Date(domain[1])])
    .ticks(count)
    .map((date) => date.getTime());
  const step = ticks.length > 1 ? (ticks[1] ?? 0) - (ticks[0] ?? 0) : DAY;
  const unit = step < MINUTE ? "second" : step < DAY && domain[1] - domain[0] < 2 * DAY ? "minute" : "day";
  return { domain, ticks, unit };
}

/** A round money axis: domain and ticks at 1, 2 or 5 × 10^n steps (chart values, not cents). */
export function moneyTicks(min: number, max: number, count = 5): { domain: [number, number]; ticks: number[] } {
  const low = Math.min(0, min);
  const high = max === low ? low + 1 : max;
  const scale = scaleLinear().domain([low, high]).nice(count);
  const [d0, d1] = scale.domain() as [number, number];
  return { domain: [d0, d1], ticks: scale.ticks(count) };
}

/** Round month ticks from 0 (every 1, 2, 5, 10, 20, 50… months), none past `months`. */
export function monthTicks(months: number, count = 8): number[] {
  if (months <= 0) return [0];
  return scaleLinear()
    .domain([0, months])
    .ticks(count)
    .filter((tick) => Number.isInteger(tick) && tick <= months);
}

export type FlowBar = { type: string; moneyIn: Cents; moneyOut: Cents };

/** Money in and out per transaction type, in the order of `types`, leaving out internal moves and types with no movement. */
export function flowByType(transactions: readonly LedgerRow[], types: readonly string[]): FlowBar[] {
  const totals = new Map<string, FlowBar>(types.map((type) => [type, { type, moneyIn: 0, moneyOut: 0 }]));
  for (const t of transactions) {
    if (INTERNAL_TYPES.has(t.type)) continue;
    const bar = totals.get(t.type) ?? { type: t.type, moneyIn: 0, moneyOut: 0 };
    if (t.direction === "CREDIT") bar.moneyIn += parseCents(t.amount);
    else bar.moneyOut += parseCents(t.amount);
    totals.set(t.type, bar);
  }
  return [...totals.values()].filter((bar) => bar.moneyIn > 0 || bar.moneyOut > 0);
}

type PlanLike = { schedule: readonly { month: number; total_balance: string }[] };

export type DebtBalanceRow = { month: number; avalanche: Cents | null; snowball: Cents | null; minimumOnly: Cents | null };

/**
 * Total balance by month for each strategy, from month 0 (the starting balance) until the longest
 * plan ends; a plan that has finished shows 0, a missing plan null.
 */
export function debtBalanceSeries(
  plans: { avalanche: PlanLike; snowball: PlanLike; minimumOnly: PlanLike | null },
  startingBalance: Cents,
): DebtBalanceRow[] {
  const lookup = (plan: PlanLike | null) => {
    if (!plan) return null;
    const byMonth = new Map(plan.schedule.map((row) => [row.month, parseCents(row.total_balance)]));
    const last = plan.schedule.at(-1)?.month ?? 0;
    return (month: number): Cents => (month === 0 ? startingBalance : month > last ? 0 : (byMonth.get(month) ?? 0));
  };
  const avalanche = lookup(plans.avalanche);
  const snowball = lookup(plans.snowball);
  const minimumOnly = lookup(plans.minimumOnly);
  const months = Math.max(...[plans.avalanche, plans.snowball, plans.minimumOnly].map((plan) => plan?.schedule.at(-1)?.month ?? 0));
  const rows: DebtBalanceRow[] = [];
  for (let month = 0; month <= months; month++) {
    rows.push({
      month,
      avalanche: avalanche ? avalanche(month) : null,
      snowball: snowball ? snowball(month) : null,
      minimumOnly: minimumOnly ? minimumOnly(month) : null,
    });
  }
  return rows;
}

/** "2 years 3 months" style durations for plan lengths. */
export function formatMonths(months: number): string {
  const years = Math.floor(months / 12);
  const rest = months % 12;
  const parts = [];
  if (years > 0) parts.push(`${years} ${years === 1 ? "year" : "years"}`);
  if (rest > 0 || years === 0) parts.push(`${rest} ${rest === 1 ? "month" : "months"}`);
  return parts.join(" ");
}
