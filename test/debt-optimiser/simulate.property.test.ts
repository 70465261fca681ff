import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Debt, monthlyInterest, optimise, type Plan, simulate } from "../../workers/debt-optimiser/simulate";
import { toRef } from "./factories";
import { referencePlan } from "./reference";

const RUNS = { numRuns: 500 };

// Up to 8 debts of 0.01..10000.00 at 0..100% (0% often), minimums 0..500.00, and a budget from
// exactly the minimums to 3000.00 above them: a mix of quick plans, 600-month plans and failures.
const debtsArb = fc
  .array(
    fc.record({
      balance: fc.integer({ min: 1, max: 1_000_000 }),
      aprBp: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 3_000 })),
      minimumPayment: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000 })),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((rows): Debt[] => rows.map((row, i) => ({ name: `debt-${i}`, ...row })));
const inputArb = fc
  .tuple(debtsArb, fc.integer({ min: 0, max: 300_000 }))
  .map(([debts, extra]) => ({ debts, budget: debts.reduce((sum, d) => sum + d.minimumPayment, 0) + extra }));

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function plansOf(debts: Debt[], budget: number): Plan[] {
  const result = optimise(debts, budget);
  if (!result.ok) return [];
  return result.minimumOnly ? [result.avalanche, result.snowball, result.minimumOnly] : [result.avalanche, result.snowball];
}

describe("monthly interest", () => {
  it("is balance × apr / 1200 rounded half up, exactly, on the float path and past it", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 10 ** 9 }), fc.maxSafeNat()),
        fc.integer({ min: 0, max: 10_000 }),
        (balance, aprBp) => {
          const exact = (2n * BigInt(balance) * BigInt(aprBp) + 120_000n) / 240_000n;
          expect(BigInt(monthlyInterest(balance, aprBp))).toBe(exact);
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

describe("every plan", () => {
  it("pays exactly the starting balances plus the interest", () => {
    fc.assert(
      fc.property(inputArb, ({ debts, budget }) => {
        const start = sum(debts.map((d) => d.balance));
        for (const plan of plansOf(debts, budget)) {
          const paid = sum(plan.schedule.map((row) => sum(row.payments)));
          const interest = sum(plan.debts.map((d) => d.interestPaid));
          expect(paid - interest).toBe(start);
          expect(plan.totalInterest).toBe(interest);
          expect(plan.totalPaid).toBe(paid);
        }
      }),
      RUNS,
    );
  });

  it("never has a negative balance or payment, nor spends more than the budget", () => {
    fc.assert(
      fc.property(inputArb, ({ debts, budget }) => {
        for (const plan of plansOf(debts, budget)) {
          for (const row of plan.schedule) {
            expect(row.balances.every((b) => Number.isSafeInteger(b) && b >= 0)).toBe(true);
            expect(row.payments.every((p) => Number.isSafeInteger(p) && p >= 0)).toBe(true);
            expect(row.totalBalance).toBe(sum(row.balances));
            expect(sum(row.payments)).toBeLessThanOrEqual(budget);
          }
          expect(plan.schedule.at(-1)?.totalBalance).toBe(0);
        }
      }),
      RUNS,
    );
  });

  it("pays each debt off within the plan, and keeps it at zero from then on", () => {
    fc.assert(
      fc.property(inputArb, ({ debts, budget }) => {
        for (const plan of plansOf(debts, budget)) {
          expect(plan.months).toBe(plan.schedule.length);
          expect(plan.months).toBeLessThanOrEqual(600);
          expect(Math.max(...plan.debts.map((d) => d.payoffMonth))).toBe(plan.months);
          plan.debts.forEach((d, i) => {
            expect(d.payoffMonth).toBeGreaterThanOrEqual(1);
            expect(d.payoffMonth).toBeLessThanOrEqual(plan.months);
            for (const row of plan.schedule) expect(row.balances[i]! === 0).toBe(row.month >= d.payoffMonth);
          });
          const months = new Map(plan.debts.map((d) => [d.name, d.payoffMonth]));
          const order = plan.payoffOrder.map((name) => months.get(name)!);
          expect(order).toEqual([...order].sort((a, b) => a - b));
          expect([...plan.payoffOrder].sort()).toEqual(plan.debts.map((d) => d.name).sort());
        }
      }),
      RUNS,
    );
  });
});

describe("a larger budget", () => {
  it("never takes more months (avalanche and snowball)", () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 100_000 }), ({ debts, budget }, more) => {
        for (const strategy of ["avalanche", "snowball"] as const) {
          const base = simulate(debts, budget, strategy);
          const richer = simulate(debts, budget + more, strategy);
          if (base) expect(richer?.months).toBeLessThanOrEqual(base.months);
        }
      }),
      RUNS,
    );
  });
});

describe("against the independent BigInt reference", () => {
  it("agrees to the cent on every month, and on which plans exist", () => {
    let plansCompared = 0;
    fc.assert(
      fc.property(inputArb, ({ debts, budget }) => {
        for (const strategy of ["avalanche", "snowball", "minimum_only"] as const) {
          const plan = simulate(debts, budget, strategy);
          const ref = referencePlan(toRef(debts), BigInt(budget), strategy);
          // Also checks the early exit: the simulation only gives up where 600 months are not enough.
          expect(plan === null).toBe(ref === null);
          if (!plan || !ref) continue;
          plansCompared += 1;
          expect(plan.months).toBe(ref.months);
          expect(plan.debts.map((d) => BigInt(d.interestPaid))).toEqual(ref.interest);
          expect(plan.debts.map((d) => d.payoffMonth)).toEqual(ref.payoffMonth);
          expect(plan.schedule.map((row) => row.balances.map(BigInt))).toEqual(ref.balances);
          expect(plan.schedule.map((row) => row.payments.map(BigInt))).toEqual(ref.payments);
        }
      }),
      RUNS,
    );
    // The generator must produce real plans, not only failures.
    expect(plansCompared).toBeGreaterThan(500);
  });
});
