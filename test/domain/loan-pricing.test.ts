import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LOAN_MAX_CENTS, LOAN_MAX_TERM_MONTHS, LOAN_MIN_CENTS, LOAN_MIN_TERM_MONTHS } from "../../workers/domain/limits";
import { amortisationSchedule, interestRateBp, minimumPaymentCents, quoteLoan } from "../../workers/domain/loan-pricing";

describe("interestRateBp (API.md pricing)", () => {
  it.each([
    [1, 800],
    [12, 800],
    [13, 1200],
    [24, 1200],
    [25, 1500],
    [60, 1500],
  ])("%i months → %i bp", (term, bp) => {
    expect(interestRateBp(term)).toBe(bp);
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
    expect(minimumPaymentCents(principal, interestRateBp(term), term)).toBe(payment);
  });

  it("rounds an exact half cent up", () => {
    // 0% is P/n: 1 cent over 2 months is 0.5 → 1.
    expect(minimumPaymentCents(1, 0, 2)).toBe(1);
    expect(minimumPaymentCents(3, 0, 2)).toBe(2);
  });

  it("refuses bad input", () => {
    expect(() => minimumPaymentCents(0, 800, 12)).toThrow(RangeError);
    expect(() => minimumPaymentCents(100, 800, 0)).toThrow(RangeError);
    expect(() => minimumPaymentCents(1.5, 800, 12)).toThrow(RangeError);
  });

  it("is the exact annuity payment rounded half up, for every loan the API accepts (a BigInt rational oracle)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: LOAN_MIN_CENTS, max: LOAN_MAX_CENTS }),
        fc.integer({ min: LOAN_MIN_TERM_MONTHS, max: LOAN_MAX_TERM_MONTHS }),
        (principal, term) => {
          const bp = interestRateBp(term);
          const payment = BigInt(minimumPaymentCents(principal, bp, term));
          const a = BigInt(bp);
          const b = 120_000n;
          const n = BigInt(term);
          // exact = num / den; rounding half up leaves an error in (−1/2, 1/2].
          const num = BigInt(principal) * a * (b + a) ** n;
          const den = b * ((b + a) ** n - b ** n);
          const twiceError = 2n * payment * den - 2n * num;
          expect(twiceError > -den && twiceError <= den).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("amortisationSchedule", () => {
  const schedule = (principal: number, term: number) => {
    const bp = interestRateBp(term);
    return amortisationSchedule(principal, bp, term, minimumPaymentCents(principal, bp, term));
  };

  it("pays the principal off exactly within the term", () => {
    for (const [principal, term] of [
      [100_000, 12],
      [500_000, 24],
      [1_000_000, 36],
      [5_000_000, 60],
      [5_000, 1],
    ] as const) {
      const rows = schedule(principal, term);
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
    const [first] = schedule(100_000, 12);
    expect(first).toEqual({ month: 1, payment: 8699, interest: 667, principal: 8032, balanceAfter: 91968 });
  });

  it("clears every loan the API accepts, and never lets the balance grow", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: LOAN_MIN_CENTS, max: LOAN_MAX_CENTS }),
        fc.integer({ min: LOAN_MIN_TERM_MONTHS, max: LOAN_MAX_TERM_MONTHS }),
        (principal, term) => {
          const rows = schedule(principal, term);
          expect(rows.at(-1)?.balanceAfter).toBe(0);
          expect(rows.reduce((sum, r) => sum + r.principal, 0)).toBe(principal);
          for (const row of rows) expect(row.principal).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("sums into the quote", () => {
    const quote = quoteLoan(100_000, 12);
    expect(quote.rateBp).toBe(800);
    expect(quote.minimumPayment).toBe(8699);
    expect(quote.totalRepaid).toBe(100_000 + quote.totalInterest);
    // 12 × 86.99 = 1,043.88; the last payment absorbs rounding, so the total is within a few cents.
    expect(Math.abs(quote.totalRepaid - 12 * 8699)).toBeLessThan(12);
  });

  it("quotes what the API prices: the same rate, payment and schedule", () => {
    const quote = quoteLoan(500_000, 24);
    expect(quote.rateBp).toBe(1200);
    expect(quote.minimumPayment).toBe(23537);
    expect(quote.schedule).toEqual(schedule(500_000, 24));
  });
});
