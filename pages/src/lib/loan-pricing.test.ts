import { describe, expect, it } from "vitest";
import { amortisationSchedule, formatRate, interestRateBasisPoints, minimumPaymentCents, quoteLoan } from "./loan-pricing";

describe("interestRateBasisPoints (API.md pricing)", () => {
  it.each([
    [1, 800],
    [12, 800],
    [13, 1200],
    [24, 1200],
    [25, 1500],
    [60, 1500],
  ])("%i months → %i bp", (term, bp) => {
    expect(interestRateBasisPoints(term)).toBe(bp);
  });

  it("formats like the API's interest_rate", () => {
    expect(formatRate(800)).toBe("8.00");
    expect(formatRate(1500)).toBe("15.00");
    expect(formatRate(1999)).toBe("19.99");
  });
});

describe("minimumPaymentCents", () => {
  // Hand-checked against P·r/(1−(1+r)^−n) with r = rate/1200.
  it.each([
    [100_000, 12, 8699], // 1,000.00 over 12 months at 8%: 86.988… → 86.99
    [500_000, 24, 23537], // 5,000.00 over 24 months at 12%: 235.367… → 235.37
    [1_000_000, 36, 34665], // 10,000.00 over 36 months at 15%: 346.653… → 346.65
    [5_000, 1, 5033], // 50.00 over 1 month at 8%: 50 × (1 + 1/150) = 50.333… → 50.33
    [5_000_000, 60, 118950], // 50,000.00 over 60 months at 15%: 1,189.4966… → 1,189.50
  ])("%i cents over %i months → %i", (principal, term, payment) => {
    expect(minimumPaymentCents(principal, term)).toBe(payment);
  });

  it("rounds an exact half cent up", () => {
    // 0% is P/n: 1 cent over 2 months is 0.5 → 1.
    expect(minimumPaymentCents(1, 2, 0)).toBe(1);
    expect(minimumPaymentCents(3, 2, 0)).toBe(2);
  });

  it("refuses bad input", () => {
    expect(() => minimumPaymentCents(0, 12)).toThrow(RangeError);
    expect(() => minimumPaymentCents(100, 0)).toThrow(RangeError);
    expect(() => minimumPaymentCents(1.5, 12)).toThrow(RangeError);
  });
});

describe("amortisationSchedule", () => {
  it("pays the principal off exactly within the term", () => {
    for (const [principal, term] of [
      [100_000, 12],
      [500_000, 24],
      [1_000_000, 36],
      [5_000_000, 60],
      [5_000, 1],
    ] as const) {
      const rows = amortisationSchedule(principal, term);
      expect(rows).toHaveLength(term);
      expect(rows.at(-1)?.balanceAfter).toBe(0);
      expect(rows.reduce((sum, r) => sum + r.principal, 0)).toBe(principal);
      for (const row of rows) {
        expect(Number.isInteger(row.interest)).toBe(true);
        expect(row.payment).toBe(row.interest + row.principal);
      }
    }
  });

  it("matches the first month by hand: 1,000.00 at 8% accrues 6.67", () => {
    const [first] = amortisationSchedule(100_000, 12);
    expect(first).toEqual({ month: 1, payment: 8699, interest: 667, principal: 8032, balanceAfter: 91968 });
  });

  it("sums into the quote", () => {
    const quote = quoteLoan(100_000, 12);
    expect(quote.rateBasisPoints).toBe(800);
    expect(quote.minimumPayment).toBe(8699);
    expect(quote.totalRepaid).toBe(100_000 + quote.totalInterest);
    // 12 × 86.99 = 1,043.88; the last payment absorbs rounding, so the total is within a few cents.
    expect(Math.abs(quote.totalRepaid - 12 * 8699)).toBeLessThan(12);
  });
});
