import type { Debt } from "../../workers/debt-optimiser/simulate";
import type { RefDebt } from "./reference";

export const debt = (name: string, balance: number, aprBp: number, minimumPayment: number): Debt => ({
  name,
  balance,
  aprBp,
  minimumPayment,
});

export const toRef = (debts: readonly Debt[]): RefDebt[] =>
  debts.map((d) => ({ name: d.name, balance: BigInt(d.balance), aprBp: BigInt(d.aprBp), minimum: BigInt(d.minimumPayment) }));

/**
 * The slowest realistic request: 50 debts (1,000.00..10,800.00 at 5%..24%), each minimum just its
 * first month's interest rounded down, and a budget 6.00 above the minimums. Avalanche takes 366
 * months, snowball 598 (just under the 600 limit) and minimum-only runs all 600 months before
 * coming out null: about 1,560 simulated months of 50 debts.
 */
export function longSchedule(): { debts: Debt[]; monthlyBudget: number } {
  const debts = Array.from({ length: 50 }, (_, i) => {
    const balance = 100_000 + ((i * 7919) % 50) * 20_000;
    const aprBp = 500 + ((i * 37) % 20) * 100;
    return debt(`debt-${i + 1}`, balance, aprBp, Math.floor((balance * aprBp) / 120_000));
  });
  return { debts, monthlyBudget: debts.reduce((sum, d) => sum + d.minimumPayment, 0) + 600 };
}
