import { describe, expect, it } from "vitest";
import { centsToDecimal, formatMoney, formatSignedMoney, MAX_MOVEMENT_CENTS, parseAmountInput, parseMoney, sumMoney } from "./money";

describe("parseMoney", () => {
  it.each([
    ["0.00", 0],
    ["0.01", 1],
    ["12.50", 1250],
    ["1250.00", 125000],
    ["1000000.00", 100_000_000],
    ["-3.05", -305],
    ["90071992547409.91", 9_007_199_254_740_991],
  ])("%s → %i cents", (text, cents) => {
    expect(parseMoney(text)).toBe(cents);
  });

  it.each(["12.5", "12", "1e3", "", " 1.00", "01.00", "NaN", "1.000", "+1.00", "1,000.00"])("rejects %j", (text) => {
    expect(() => parseMoney(text)).toThrow(RangeError);
  });

  it("rejects amounts beyond exact integer cents", () => {
    expect(() => parseMoney("90071992547409.92")).toThrow(RangeError);
  });
});

describe("centsToDecimal", () => {
  it.each([
    [0, "0.00"],
    [1, "0.01"],
    [10, "0.10"],
    [1250, "12.50"],
    [-305, "-3.05"],
    [100_000_000, "1000000.00"],
  ])("%i → %s", (cents, text) => {
    expect(centsToDecimal(cents)).toBe(text);
  });

  it("round-trips with parseMoney", () => {
    for (const cents of [0, 1, 99, 100, 101, 123456789, -1, -100]) {
      expect(parseMoney(centsToDecimal(cents))).toBe(cents);
    }
  });

  it("refuses non-integer cents", () => {
    expect(() => centsToDecimal(0.5)).toThrow(RangeError);
  });
});

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
