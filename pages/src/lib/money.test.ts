import { describe, expect, it } from "vitest";
import { formatChartMoney, formatChartTick, formatMoney, formatSignedMoney, sumMoney } from "./money";

describe("sumMoney", () => {
  it("adds exactly where floats would drift", () => {
    // 0.1 + 0.2 in floating point is 0.30000000000000004.
    expect(sumMoney(["0.10", "0.20"])).toBe(30);
    expect(sumMoney(Array.from({ length: 1000 }, () => "0.01"))).toBe(1000);
    expect(sumMoney([])).toBe(0);
    expect(sumMoney(["100.00", "-0.01"])).toBe(9999);
  });
});

describe("formatMoney", () => {
  it("formats strings and cents as US dollars", () => {
    expect(formatMoney("1250.00")).toBe("$1,250.00");
    expect(formatMoney(125000)).toBe("$1,250.00");
    expect(formatMoney("0.00")).toBe("$0.00");
    expect(formatMoney(5)).toBe("$0.05");
    expect(formatMoney("-3.05")).toBe("-$3.05");
    expect(formatMoney("1000000.00")).toBe("$1,000,000.00");
  });

  it("keeps every cent of large amounts", () => {
    expect(formatMoney("90071992547409.91")).toBe("$90,071,992,547,409.91");
  });

  it("signs movements", () => {
    expect(formatSignedMoney("12.50", "CREDIT")).toBe("+$12.50");
    expect(formatSignedMoney("12.50", "DEBIT")).toBe("-$12.50");
    expect(formatMoney(0, { signDisplay: "exceptZero" })).toBe("$0.00");
  });

  it("refuses malformed API strings instead of showing a wrong number", () => {
    expect(() => formatMoney("12.5")).toThrow(RangeError);
  });
});

describe("chart labels (charts plot integer cents)", () => {
  it("formats axis ticks compactly from cents, as the same amount in dollars would be", () => {
    const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", notation: "compact", maximumFractionDigits: 1 });
    for (const [cents, units] of [
      [0, 0],
      [50_000, 500],
      [1_050, 10.5],
      [-20_000, -200],
      [120_000, 1200],
      [250_000_000, 2_500_000],
    ] as const) {
      expect(formatChartTick(cents)).toBe(dollars.format(units));
    }
    expect(formatChartTick(120_000)).toBe("$1.2K");
    expect(formatChartTick(250_000_000)).toBe("$2.5M");
  });

  it("formats tooltips exactly from cents, and nothing for what is not whole cents", () => {
    expect(formatChartMoney(125_050)).toBe("$1,250.50");
    expect(formatChartMoney("7")).toBe("$0.07");
    expect(formatChartMoney(0.5)).toBe("");
    expect(formatChartMoney(undefined)).toBe("");
  });
});
