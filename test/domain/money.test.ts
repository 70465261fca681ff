import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_MOVEMENT_CENTS } from "../../workers/domain/limits";
import { formatCents, parseAmount, parseAmountInput, parseCents, roundHalfUpDiv } from "../../workers/domain/money";
import { amountSchema } from "../../workers/lib/money";

describe("money", () => {
  it.each([
    ["12.5", 1250],
    ["12.50", 1250],
    [12.5, 1250],
    ["0.01", 1],
    [0.1, 10],
    ["1000000.00", 100_000_000],
    [1000000, 100_000_000],
    ["7", 700],
  ])("parses %j as %i cents", (input, cents) => {
    expect(parseAmount(input)).toEqual({ ok: true, cents });
  });

  it.each([
    "0",
    0,
    "0.00",
    "-1",
    -1,
    "1.234",
    1.234,
    "1e3",
    1e3 * 1e18,
    "NaN",
    Number.NaN,
    Number.POSITIVE_INFINITY,
    "1000000.01",
    "",
    " ",
    ".5",
    "5.",
    "+5",
    "0x10",
    null,
    {},
    [],
    true,
  ])("refuses %j", (input) => {
    expect(parseAmount(input).ok).toBe(false);
  });

  it("refuses float artefacts instead of rounding them", () => {
    expect(parseAmount(0.1 + 0.2).ok).toBe(false);
  });

  it("formats cents with exactly two decimals", () => {
    expect(formatCents(0)).toBe("0.00");
    expect(formatCents(5)).toBe("0.05");
    expect(formatCents(1250)).toBe("12.50");
    expect(formatCents(-1250)).toBe("-12.50");
    expect(formatCents(100_000_000)).toBe("1000000.00");
    expect(() => formatCents(1.5)).toThrow();
  });

  it("round-trips every valid amount: parse(format(c)) == c", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_MOVEMENT_CENTS }), (cents) => {
        expect(parseAmount(formatCents(cents))).toEqual({ ok: true, cents });
      }),
      { numRuns: 2000 },
    );
  });

  it("parses JSON numbers with ≤2 decimals the same as their string", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_MOVEMENT_CENTS }), (cents) => {
        const asNumber = Number(formatCents(cents));
        expect(parseAmount(asNumber)).toEqual({ ok: true, cents });
      }),
      { numRuns: 2000 },
    );
  });

  it("formats back to a canonical string for any parsed input", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 99 }), (whole, frac) => {
        const text = `${whole}.${String(frac).padStart(2, "0")}`;
        const parsed = parseAmount(text);
        // Assert, never return the assertion's value: fast-check fails a property that returns false.
        if ((whole === 0 && frac === 0) || whole * 100 + frac > MAX_MOVEMENT_CENTS) expect(parsed.ok).toBe(false);
        else expect(parsed.ok && formatCents(parsed.cents)).toBe(text);
      }),
      // The values that once failed (1000000.01 is over the limit), always tried first.
      {
        examples: [
          [1_000_000, 1],
          [1_000_000, 0],
          [0, 0],
        ],
      },
    );
  });

  it("rounds half up exactly", () => {
    expect(roundHalfUpDiv(5n, 10n)).toBe(1n);
    expect(roundHalfUpDiv(4n, 10n)).toBe(0n);
    expect(roundHalfUpDiv(15n, 10n)).toBe(2n);
    expect(roundHalfUpDiv(25n, 10n)).toBe(3n);
  });
});

describe("parseCents (API money strings, as the UI reads them)", () => {
  it.each([
    ["0.00", 0],
    ["0.01", 1],
    ["12.50", 1250],
    ["1250.00", 125000],
    ["1000000.00", 100_000_000],
    ["-3.05", -305],
    ["90071992547409.91", 9_007_199_254_740_991],
  ])("%s → %i cents", (text, cents) => {
    expect(parseCents(text)).toBe(cents);
  });

  it.each(["12.5", "12", "1e3", "", " 1.00", "01.00", "NaN", "1.000", "+1.00", "1,000.00"])("rejects %j", (text) => {
    expect(() => parseCents(text)).toThrow(RangeError);
  });

  it("rejects amounts beyond exact integer cents", () => {
    expect(() => parseCents("90071992547409.92")).toThrow(RangeError);
  });
});

describe("formatCents (as the UI writes request amounts)", () => {
  it.each([
    [0, "0.00"],
    [1, "0.01"],
    [10, "0.10"],
    [1250, "12.50"],
    [-305, "-3.05"],
    [100_000_000, "1000000.00"],
  ])("%i → %s", (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it("round-trips with parseCents", () => {
    for (const cents of [0, 1, 99, 100, 101, 123456789, -1, -100]) {
      expect(parseCents(formatCents(cents))).toBe(cents);
    }
  });

  it("refuses non-integer cents", () => {
    expect(() => formatCents(0.5)).toThrow(RangeError);
  });
});

describe("parseAmountInput", () => {
  it.each([
    ["12", 1200],
    ["12.5", 1250],
    ["12.50", 1250],
    [" 0.01 ", 1],
    ["007.50", 750],
    ["1,000.25", 100025],
    ["1000000", MAX_MOVEMENT_CENTS],
  ])("%j → %i cents", (text, cents) => {
    expect(parseAmountInput(text)).toEqual({ ok: true, cents });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["12.505", "decimals"],
    ["0", "zero"],
    ["0.00", "zero"],
    ["-5", "format"],
    ["+5", "format"],
    ["1e3", "format"],
    ["NaN", "format"],
    ["Infinity", "format"],
    [".5", "format"],
    ["5.", "format"],
    ["1,5", "format"],
    ["12,34.00", "format"],
    ["abc", "format"],
    ["1000000.01", "too_large"],
    ["99999999999999999999", "too_large"],
  ])("%j is refused (%s)", (text, reason) => {
    expect(parseAmountInput(text)).toEqual({ ok: false, reason });
  });

  it("honours a custom maximum", () => {
    expect(parseAmountInput("50.01", 5000)).toEqual({ ok: false, reason: "too_large" });
    expect(parseAmountInput("50.00", 5000)).toEqual({ ok: true, cents: 5000 });
  });
});

describe("amountSchema (the API's zod schema, built on parseAmount)", () => {
  it("yields the same cents and refusals as parseAmount", () => {
    const schema = amountSchema({ min: 5_000, max: 5_000_000 });
    expect(schema.parse("50.00")).toBe(5_000);
    expect(schema.parse(50000)).toBe(5_000_000);
    expect(schema.safeParse("49.99").error?.issues[0]?.message).toBe("amount must be at least 50.00");
    expect(schema.safeParse("50000.01").error?.issues[0]?.message).toBe("amount must not exceed 50000.00");
    expect(schema.safeParse(0.1 + 0.2).success).toBe(false);
  });
});

describe("half-up division", () => {
  it("rounds negative halves away from zero", () => {
    expect(roundHalfUpDiv(-5n, 10n)).toBe(-1n);
    expect(roundHalfUpDiv(-4n, 10n)).toBe(0n);
  });

  it("refuses a non-positive denominator", () => {
    expect(() => roundHalfUpDiv(1n, 0n)).toThrow(RangeError);
  });

  it("is the nearest integer to the exact rational, halves up, for any numerator", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (n, d) => {
        const q = roundHalfUpDiv(n, d);
        // q is the integer nearest n/d and an exact half goes up: −d/2 ≤ n − q·d < d/2.
        const twiceRemainder = 2n * (n - q * d);
        expect(twiceRemainder >= -d && twiceRemainder < d).toBe(true);
      }),
    );
  });
});
