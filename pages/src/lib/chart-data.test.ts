import { describe, expect, it } from "vitest";
import { balanceSeries, debtBalanceSeries, flowByType, flowTotals, formatMonths, moneyTicks, timeAxis } from "./chart-data";

const tx = (id: string, at: string, type: string, direction: "CREDIT" | "DEBIT", amount: string, after: string) => ({
  transaction_id: id,
  created_at: at,
  type,
  direction,
  amount,
  balance_after: after,
});

const history = [
  tx("t3", "2026-11-24T12:00:00.000Z", "PAYMENT_OUT", "DEBIT", "0.20", "99.90"),
  tx("t2", "2026-11-24T11:00:00.000Z", "WITHDRAWAL", "DEBIT", "0.10", "100.10"),
  tx("t1", "2026-11-24T10:00:00.000Z", "DEPOSIT", "CREDIT", "100.20", "100.20"),
];

describe("balanceSeries", () => {
  it("orders oldest first with exact cents", () => {
    expect(balanceSeries(history)).toEqual([
      { at: "2026-11-24T10:00:00.000Z", balance: 10020 },
      { at: "2026-11-24T11:00:00.000Z", balance: 10010 },
      { at: "2026-11-24T12:00:00.000Z", balance: 9990 },
    ]);
  });
});

describe("flowByType", () => {
  it("sums in and out per type in the given order, skipping empty types", () => {
    expect(
      flowByType([...history, tx("t4", "x", "DEPOSIT", "CREDIT", "0.10", "100.00")], ["DEPOSIT", "LOAN_IN", "WITHDRAWAL", "PAYMENT_OUT"]),
    ).toEqual([
      { type: "DEPOSIT", moneyIn: 10030, moneyOut: 0 },
      { type: "WITHDRAWAL", moneyIn: 0, moneyOut: 10 },
      { type: "PAYMENT_OUT", moneyIn: 0, moneyOut: 20 },
    ]);
  });
});

describe("internal moves", () => {
  const mixed = [
    ...history,
    tx("t5", "x", "SAVINGS_ADD", "DEBIT", "40.00", "59.90"),
    tx("t6", "x", "SAVINGS_REDEEM", "CREDIT", "40.00", "99.90"),
    tx("t7", "x", "LOAN_IN", "CREDIT", "500.00", "599.90"),
    tx("t8", "x", "LOAN_REPAYMENT", "DEBIT", "50.00", "549.90"),
  ];

  it("leaves moves to and from savings out of the bars", () => {
    expect(flowByType(mixed, ["DEPOSIT", "SAVINGS_ADD", "SAVINGS_REDEEM", "LOAN_IN"]).map((bar) => bar.type)).toEqual([
      "DEPOSIT",
      "LOAN_IN",
      "PAYMENT_OUT",
      "WITHDRAWAL",
      "LOAN_REPAYMENT",
    ]);
  });

  it("counts income and spending without savings moves or loans", () => {
    expect(flowTotals(mixed)).toEqual({ income: 10020, spending: 30, borrowed: 50000, repaid: 5000, internal: 2 });
  });
});

describe("axis ticks", () => {
  it("puts time ticks on round minutes, evenly spaced in time", () => {
    const from = Date.parse("2026-11-24T18:10:20.000Z");
    const to = Date.parse("2026-11-24T18:14:50.000Z");
    const { ticks, unit } = timeAxis(from, to);
    expect(unit).toBe("minute");
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const tick of ticks) expect(tick % 60_000).toBe(0);
    const steps = ticks.slice(1).map((tick, i) => tick - (ticks[i] ?? 0));
    expect(new Set(steps).size).toBe(1);
  });

  it("widens a burst within seconds to a minute, labelled to the second", () => {
    const at = Date.parse("2026-11-24T18:10:20.000Z");
    const axis = timeAxis(at, at + 900);
    expect(axis.domain[1] - axis.domain[0]).toBe(60_000);
    expect(axis.unit).toBe("second");
    for (const tick of axis.ticks) expect(tick % 1000).toBe(0);
  });

  it("labels a multi-day span by day", () => {
    expect(timeAxis(Date.parse("2026-11-01T00:00:00Z"), Date.parse("2026-11-20T00:00:00Z")).unit).toBe("day");
  });

  it("uses 1, 2 or 5 × 10^n money steps from zero", () => {
    expect(moneyTicks(75, 2705)).toEqual({ domain: [0, 3000], ticks: [0, 500, 1000, 1500, 2000, 2500, 3000] });
    expect(moneyTicks(0, 0).ticks[0]).toBe(0);
  });
});

describe("debtBalanceSeries", () => {
  const plan = (...balances: string[]) => ({ schedule: balances.map((b, i) => ({ month: i + 1, total_balance: b })) });

  it("aligns the strategies by month from the starting balance", () => {
    const rows = debtBalanceSeries(
      { avalanche: plan("50.00", "0.00"), snowball: plan("60.00", "10.00", "0.00"), minimumOnly: null },
      10000,
    );
    expect(rows).toEqual([
      { month: 0, avalanche: 10000, snowball: 10000, minimumOnly: null },
      { month: 1, avalanche: 5000, snowball: 6000, minimumOnly: null },
      { month: 2, avalanche: 0, snowball: 1000, minimumOnly: null },
      { month: 3, avalanche: 0, snowball: 0, minimumOnly: null },
    ]);
  });
});

describe("formatMonths", () => {
  it.each([
    [0, "0 months"],
    [1, "1 month"],
    [12, "1 year"],
    [27, "2 years 3 months"],
  ])("%i → %s", (months, text) => {
    expect(formatMonths(months)).toBe(text);
  });
});
