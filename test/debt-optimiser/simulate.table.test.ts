/**
 * Hand-checked plans. Amounts are integer cents in the inputs and "12.50" strings in the formatted
 * plans, exactly as the API answers them.
 */
import { describe, expect, it } from "vitest";
import { formatPlan, monthlyInterest, type Optimisation, optimise, simulate } from "../../workers/debt-optimiser/simulate";
import { debt, toRef } from "./factories";
import { referencePlan } from "./reference";

function plans(result: Optimisation) {
  if (!result.ok) throw new Error(`expected plans, got ${result.code}`);
  return {
    avalanche: formatPlan(result.avalanche),
    snowball: formatPlan(result.snowball),
    minimumOnly: result.minimumOnly && formatPlan(result.minimumOnly),
    recommended: result.recommended,
    interestSaved: result.interestSaved,
  };
}

describe("interest rounding", () => {
  it.each([
    // balance, apr bp, cents: balance × apr / 1200 rounded half up
    [100_000, 1200, 1000], // 1000.00 × 1% = 10.00
    [92_115, 1200, 921], // 921.15 × 1% = 9.2115 → 9.21
    [84_151, 1200, 842], // 841.51 × 1% = 8.4151 → 8.42
    [492_500, 600, 2463], // 4925.00 × 0.5% = 24.625 → 24.63 (exactly half: up)
    [1, 600, 0], // 0.01 × 0.5% = 0.00005 → 0.00
    [100, 10_000, 8], // 1.00 × 100%/12 = 0.08333 → 0.08
    [6, 10_000, 1], // 0.06 × 100%/12 = 0.005 → 0.01 (half up)
    [100_000_000, 0, 0],
    [10 ** 13, 10_000, 833_333_333_333], // 10^11 units × 100%/12: too big for the float path, exact via BigInt
  ])("%i cents at %i bp accrue %i cents", (balance, aprBp, cents) => {
    expect(monthlyInterest(balance, aprBp)).toBe(cents);
  });
});

describe("a single debt at 0%", () => {
  // 1000.00 with 300.00 a month: ceil(1000 / 300) = 4 months, paying 300, 300, 300, then the last 100.
  // Minimum-only pays 50.00 a month: 1000 / 50 = 20 months.
  const result = plans(optimise([debt("Loan", 100_000, 0, 5_000)], 30_000));

  it("takes ceil(balance / budget) months and no interest", () => {
    for (const plan of [result.avalanche, result.snowball]) {
      expect(plan.months).toBe(4);
      expect(plan.total_interest).toBe("0.00");
      expect(plan.total_paid).toBe("1000.00");
      expect(plan.schedule.map((row) => row.payments.Loan)).toEqual(["300.00", "300.00", "300.00", "100.00"]);
      expect(plan.schedule.map((row) => row.total_balance)).toEqual(["700.00", "400.00", "100.00", "0.00"]);
      expect(plan.debts).toEqual([{ name: "Loan", payoff_month: 4, interest_paid: "0.00" }]);
    }
    expect(result.minimumOnly?.months).toBe(20);
    expect(result.recommended).toBe("avalanche");
    expect(result.interestSaved).toBe(0);
  });
});

describe("a single debt at 12% against the closed-form amortisation", () => {
  // With r = 1% a month and a fixed payment P, the exact balance after k payments is
  //   B_k = B(1+r)^k − P((1+r)^k − 1)/r, and the last payment is B_(n−1)(1+r).
  // The simulation rounds each month's interest to the cent, an error δ with |δ| ≤ 0.5 cent; that
  // error is then carried at 1% a month, so after n months the balance (and so the total paid and
  // the total interest) is off by at most 0.5 × ((1+r)^n − 1)/r cents: 6.3 cents for n = 12,
  // 40.8 for n = 60. The month count must match exactly: the last exact balance is far from 0.
  it.each([
    // balance, payment (the standard amortised payment for the term, rounded up), term, simulated interest
    [100_000, 8_885, 12, "66.19"], // 1000.00: closed form 66.1846
    [500_000, 11_123, 60, "1673.13"], // 5000.00: closed form 1673.1661
  ])("%i cents paying %i a month", (balance, payment, term, interest) => {
    const plan = simulate([debt("Loan", balance, 1200, 1_000)], payment, "avalanche");
    if (!plan) throw new Error("expected a plan");

    const r = 0.01;
    let owed = balance;
    let paid = 0;
    let months = 0;
    for (;;) {
      months += 1;
      const due = owed * (1 + r);
      if (due <= payment) {
        paid += due;
        break;
      }
      paid += payment;
      owed = due - payment;
    }
    const closedFormInterest = paid - balance;
    const tolerance = (0.5 * ((1 + r) ** months - 1)) / r;

    expect(plan.months).toBe(months);
    expect(plan.months).toBe(term);
    expect(Math.abs(plan.totalInterest - closedFormInterest)).toBeLessThanOrEqual(tolerance);
    expect(formatPlan(plan).total_interest).toBe(interest);
  });

  it("matches the first months worked by hand", () => {
    // 1000.00 + 10.00 − 88.85 = 921.15; 921.15 + 9.21 − 88.85 = 841.51; 841.51 + 8.42 − 88.85 = 761.08
    const plan = simulate([debt("Loan", 100_000, 1200, 1_000)], 8_885, "snowball");
    expect(
      plan &&
        formatPlan(plan)
          .schedule.slice(0, 3)
          .map((row) => row.balances.Loan),
    ).toEqual(["921.15", "841.51", "761.08"]);
    // Month 12 pays only what is left: 88.84, and 12 × 88.85 − 0.01 − 1000.00 = 66.19 of interest.
    expect(plan && formatPlan(plan).schedule.at(-1)?.payments.Loan).toBe("88.84");
  });
});

describe("three debts where avalanche and snowball differ", () => {
  const debts = [
    debt("Card", 200_000, 2400, 6_000), // 2000.00 at 24%, minimum 60.00
    debt("Car", 500_000, 600, 10_000), // 5000.00 at 6%, minimum 100.00
    debt("Store", 50_000, 1800, 2_500), // 500.00 at 18%, minimum 25.00
  ];
  const budget = 40_000; // 400.00: 185.00 of minimums, 215.00 extra
  const result = plans(optimise(debts, budget));

  it("orders the extra money by apr (avalanche) and by starting balance (snowball)", () => {
    // Month 1, both strategies: interest Card 40.00, Car 25.00, Store 7.50; minimums leave 215.00.
    //   avalanche → Card: 2040.00 − 60.00 − 215.00 = 1765.00, Car 4925.00, Store 482.50
    //   snowball  → Store: 507.50 − 25.00 − 215.00 = 267.50, Card 1980.00, Car 4925.00
    // Month 2, avalanche: Card 1765.00 + 35.30 − 275.00 = 1525.30; Car 4925.00 + 24.63 (24.625 up)
    //   − 100.00 = 4849.63; Store 482.50 + 7.24 (7.2375) − 25.00 = 464.74.
    expect(result.avalanche.schedule[0]?.balances).toEqual({ Card: "1765.00", Car: "4925.00", Store: "482.50" });
    expect(result.avalanche.schedule[0]?.payments).toEqual({ Card: "275.00", Car: "100.00", Store: "25.00" });
    expect(result.avalanche.schedule[1]?.balances).toEqual({ Card: "1525.30", Car: "4849.63", Store: "464.74" });
    expect(result.snowball.schedule[0]?.balances).toEqual({ Card: "1980.00", Car: "4925.00", Store: "267.50" });
    expect(result.snowball.schedule[0]?.payments).toEqual({ Card: "60.00", Car: "100.00", Store: "240.00" });
    expect(result.avalanche.schedule[0]?.total_balance).toBe("7172.50");

    expect(result.avalanche.payoff_order).toEqual(["Card", "Store", "Car"]);
    expect(result.snowball.payoff_order).toEqual(["Store", "Card", "Car"]);
  });

  it("pins the totals, which the independent BigInt reference reproduces", () => {
    expect(result.avalanche).toMatchObject({
      strategy: "avalanche",
      months: 21,
      total_interest: "586.45",
      total_paid: "8086.45",
      debts: [
        { name: "Card", payoff_month: 8, interest_paid: "183.01" },
        { name: "Car", payoff_month: 21, interest_paid: "345.37" },
        { name: "Store", payoff_month: 10, interest_paid: "58.07" },
      ],
    });
    expect(result.snowball).toMatchObject({
      strategy: "snowball",
      months: 21,
      total_interest: "604.13",
      total_paid: "8104.13",
      debts: [
        { name: "Card", payoff_month: 10, interest_paid: "245.84" },
        { name: "Car", payoff_month: 21, interest_paid: "346.31" },
        { name: "Store", payoff_month: 3, interest_paid: "11.98" },
      ],
    });
    expect(result.minimumOnly).toMatchObject({ months: 58, total_interest: "2195.89", payoff_order: ["Store", "Card", "Car"] });
    expect(result.recommended).toBe("avalanche");
    expect(result.interestSaved).toBe(60_413 - 58_645); // 17.68

    const interestOf = (strategy: "avalanche" | "snowball" | "minimum_only") =>
      referencePlan(toRef(debts), BigInt(budget), strategy)?.interest.reduce((a, b) => a + b, 0n);
    expect(interestOf("avalanche")).toBe(58_645n);
    expect(interestOf("snowball")).toBe(60_413n);
    expect(interestOf("minimum_only")).toBe(219_589n);
  });
});

describe("ties keep input order", () => {
  it("in avalanche (same apr) and snowball (same balance)", () => {
    const debts = [debt("B", 30_000, 1000, 0), debt("A", 30_000, 1000, 0), debt("C", 10_000, 500, 0)];
    const result = plans(optimise(debts, 10_000));
    // Avalanche: B and A tie at 10%, C (5%) last. Snowball: C (100.00) first, then B and A tie at 300.00.
    expect(result.avalanche.payoff_order).toEqual(["B", "A", "C"]);
    expect(result.snowball.payoff_order).toEqual(["C", "B", "A"]);
    expect(result.avalanche.schedule[0]?.payments).toEqual({ B: "100.00", A: "0.00", C: "0.00" });
  });
});

describe("snowball can be cheaper by a cent of rounding", () => {
  it("recommends snowball and reports a negative interest_saved", () => {
    // Both at 12%: the order only changes how interest rounds each month. Checked against the reference.
    const debts = [debt("A", 4_100, 1200, 100), debt("B", 3_300, 1200, 200)];
    const result = plans(optimise(debts, 557));
    expect(result.avalanche.total_interest).toBe("5.80");
    expect(result.snowball.total_interest).toBe("5.79");
    expect(result.recommended).toBe("snowball");
    expect(result.interestSaved).toBe(-1);
    expect(referencePlan(toRef(debts), 557n, "snowball")?.interest.reduce((a, b) => a + b, 0n)).toBe(579n);
  });
});

describe("minimum_only that never pays off", () => {
  it("is null when the minimum only covers the interest", () => {
    // 1000.00 at 24% accrues 20.00 a month; a 20.00 minimum leaves the balance at 1000.00 forever.
    // Avalanche with 100.00 a month: 1000.00 + 20.00 − 100.00 = 920.00 after month 1, clear in month 12.
    const result = plans(optimise([debt("Card", 100_000, 2400, 2_000)], 10_000));
    expect(result.minimumOnly).toBeNull();
    expect(result.avalanche.months).toBe(12);
    expect(result.avalanche.total_interest).toBe("127.04");
    expect(result.avalanche.schedule[0]?.total_balance).toBe("920.00");
  });

  it("is null when a debt has no minimum, even at 0%", () => {
    const result = plans(optimise([debt("Friend", 10_000, 0, 0), debt("Card", 10_000, 1200, 1_000)], 5_000));
    expect(result.minimumOnly).toBeNull();
    // The extra money still clears the debt with no minimum.
    expect(result.avalanche.debts.find((d) => d.name === "Friend")?.payoff_month).toBeGreaterThan(0);
  });

  it("is null when it would take more than 600 months", () => {
    // 0%: 600.01 at 1.00 a month takes 601 months; avalanche gets 10.00 a month.
    const result = plans(optimise([debt("Loan", 60_001, 0, 100)], 1_000));
    expect(result.minimumOnly).toBeNull();
    expect(result.avalanche.months).toBe(61);
  });
});

describe("errors", () => {
  it("BUDGET_TOO_LOW when the budget is below the minimums, not when it equals them", () => {
    const debts = [debt("Card", 200_000, 2400, 6_000), debt("Car", 500_000, 600, 10_000)];
    expect(optimise(debts, 15_999)).toMatchObject({ ok: false, code: "BUDGET_TOO_LOW" });
    expect(optimise(debts, 16_000).ok).toBe(true);
  });

  it("NEVER_PAID_OFF past 600 months, not at 600", () => {
    // 0%, 1.00 a month: 600.00 takes exactly 600 months, 600.01 takes 601.
    expect(plans(optimise([debt("Loan", 60_000, 0, 100)], 100)).avalanche.months).toBe(600);
    expect(optimise([debt("Loan", 60_001, 0, 100)], 100)).toMatchObject({ ok: false, code: "NEVER_PAID_OFF" });
  });

  it("NEVER_PAID_OFF when the budget barely beats the interest", () => {
    // 10000.00 at 12% accrues 100.00 a month; paying 100.01 needs ln(10001)/ln(1.01) ≈ 926 months.
    expect(optimise([debt("Loan", 1_000_000, 1200, 10_000)], 10_001)).toMatchObject({ ok: false, code: "NEVER_PAID_OFF" });
    // And when it only covers the interest, it never ends: stopped early, not after 600 months of growth.
    expect(optimise([debt("Loan", 1_000_000, 1200, 10_000)], 10_000)).toMatchObject({ ok: false, code: "NEVER_PAID_OFF" });
  });

  it("gives up on a debt growing at 100% with no minimum instead of compounding it for 600 months", () => {
    // Unchecked, 1000000.00 × (1 + 1/12)^600 would be ~10^29 cents, far past 2^53.
    const debts = [debt("Big", 100_000_000, 10_000, 0), debt("Small", 100, 100, 100)];
    expect(simulate(debts, 100_000_000, "minimum_only")).toBeNull();
    expect(optimise(debts, 100)).toMatchObject({ ok: false, code: "NEVER_PAID_OFF" });
  });
});
