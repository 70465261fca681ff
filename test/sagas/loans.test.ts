import { describe, expect, it } from "vitest";
import { amortisationSchedule, interestRateBp, minimumPaymentCents } from "../../workers/domain/loan-pricing";

describe("loan pricing", () => {
  it.each([
    [1, 800],
    [12, 800],
    [13, 1200],
    [24, 1200],
    [25, 1500],
    [60, 1500],
  ])("a %i-month loan costs %i bp", (months, bp) => expect(interestRateBp(months)).toBe(bp));

  it.each([
    // Hand-checked against P·r/(1−(1+r)^−n): 1000 at 8%/12m = 86.99, 5000 at 12%/24m = 235.37, 10000 at 15%/36m = 346.65.
    [100_000, 800, 12, 8_699],
    [500_000, 1200, 24, 23_537],
    [1_000_000, 1500, 36, 34_665],
    [5_000, 800, 1, 5_033],
  ])("minimum payment of %i cents at %i bp over %i months is %i cents", (p, bp, n, expected) => {
    expect(minimumPaymentCents(p, bp, n)).toBe(expected);
  });

  it("amortises to exactly zero in the term", () => {
    const rows = amortisationSchedule(500_000, 1200, 24, minimumPaymentCents(500_000, 1200, 24));
    expect(rows).toHaveLength(24);
    expect(rows.at(-1)?.balanceAfter).toBe(0);
    expect(rows.reduce((s, r) => s + r.principal, 0)).toBe(500_000);
  });
});
