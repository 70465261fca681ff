import { describe, expect, it } from "vitest";
import { formatMoney, formatSignedMoney, sumMoney } from "./money";

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
