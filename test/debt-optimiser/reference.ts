/**
 * An independent, deliberately naive reading of API.md's simulation rules in BigInt, written apart
 * from workers/debt-optimiser/simulate.ts (no shared code) so the two can check each other.
 */
export type RefDebt = { name: string; balance: bigint; aprBp: bigint; minimum: bigint };
export type RefPlan = { months: number; interest: bigint[]; payoffMonth: number[]; balances: bigint[][]; payments: bigint[][] };

const least = (a: bigint, b: bigint) => (a < b ? a : b);

export function referencePlan(
  debts: RefDebt[],
  budget: bigint,
  strategy: "avalanche" | "snowball" | "minimum_only",
  maxMonths = 600,
): RefPlan | null {
  const ranked = debts.map((d, i) => ({ ...d, i }));
  if (strategy === "avalanche") ranked.sort((a, b) => (a.aprBp === b.aprBp ? a.i - b.i : a.aprBp > b.aprBp ? -1 : 1));
  if (strategy === "snowball") ranked.sort((a, b) => (a.balance === b.balance ? a.i - b.i : a.balance < b.balance ? -1 : 1));
  const owed = debts.map((d) => d.balance);
  const plan: RefPlan = { months: 0, interest: debts.map(() => 0n), payoffMonth: debts.map(() => 0), balances: [], payments: [] };
  while (owed.some((b) => b > 0n)) {
    plan.months += 1;
    if (plan.months > maxMonths) return null;
    const paid = debts.map(() => 0n);
    debts.forEach((d, i) => {
      if (owed[i]! > 0n) {
        // half up: floor(x + 1/2) with x = balance * apr% / 1200 = balance * bp / 120000
        const interest = (2n * owed[i]! * d.aprBp + 120000n) / 240000n;
        owed[i]! += interest;
        plan.interest[i]! += interest;
      }
    });
    let left = budget;
    debts.forEach((d, i) => {
      const p = least(d.minimum, owed[i]!);
      owed[i]! -= p;
      paid[i]! += p;
      left -= p;
    });
    if (strategy !== "minimum_only") {
      for (const d of ranked) {
        const p = least(left, owed[d.i]!);
        owed[d.i]! -= p;
        paid[d.i]! += p;
        left -= p;
      }
    }
    owed.forEach((b, i) => {
      if (b === 0n && plan.payoffMonth[i] === 0) plan.payoffMonth[i] = plan.months;
    });
    plan.balances.push([...owed]);
    plan.payments.push(paid);
  }
  return plan;
}
