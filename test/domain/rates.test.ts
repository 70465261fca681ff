import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_APR_BP } from "../../workers/domain/limits";
import { formatRate, parseRate } from "../../workers/domain/rates";

describe("formatRate", () => {
  it("formats like the API's interest_rate", () => {
    expect(formatRate(800)).toBe("8.00");
    expect(formatRate(1500)).toBe("15.00");
    expect(formatRate(1999)).toBe("19.99");
    expect(formatRate(0)).toBe("0.00");
    expect(formatRate(5)).toBe("0.05");
    expect(formatRate(10_000)).toBe("100.00");
  });

  it("refuses what is not a whole, non-negative number of basis points", () => {
    expect(() => formatRate(8.5)).toThrow(RangeError);
    expect(() => formatRate(-1)).toThrow(RangeError);
  });
});

describe("parseRate", () => {
  it.each([
    ["0", 0],
    ["0.5", 50],
    ["7.5", 750],
    ["19.99", 1999],
    ["100", 10_000],
    ["100.00", 10_000],
  ])("%j → %i bp", (text, bp) => {
    expect(parseRate(text)).toBe(bp);
  });

  it.each(["100.01", "-1", "1.234", "", " 5", "5.", ".5", "07", "1e2", "abc", "1000"])("refuses %j", (text) => {
    expect(parseRate(text)).toBeNull();
  });

  it("round-trips every rate up to the maximum", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_APR_BP }), (bp) => {
        expect(parseRate(formatRate(bp))).toBe(bp);
      }),
    );
  });
});
