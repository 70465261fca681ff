import { afterEach, describe, expect, it } from "vitest";
import { dayRangeProblem, dayRangeToTimestamps, endOfLocalDay, startOfLocalDay } from "./date-range";

// Node reads TZ afresh whenever it is assigned, so each case runs in the zone it names.
const originalZone = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalZone;
});

describe("local days as UTC bounds", () => {
  it("is the whole UTC day in UTC", () => {
    process.env.TZ = "UTC";
    expect(dayRangeToTimestamps({ from: "2026-03-01", to: "2026-03-31" })).toEqual({
      from: "2026-03-01T00:00:00.000Z",
      to: "2026-03-31T23:59:59.999Z",
    });
  });

  it("shifts by the zone's offset west of UTC", () => {
    process.env.TZ = "America/New_York";
    expect(startOfLocalDay("2026-01-15")).toBe("2026-01-15T05:00:00.000Z");
    expect(endOfLocalDay("2026-01-15")).toBe("2026-01-16T04:59:59.999Z");
  });

  it("shifts by the zone's offset east of UTC, into the previous UTC day", () => {
    process.env.TZ = "Asia/Tokyo";
    expect(startOfLocalDay("2026-07-01")).toBe("2026-06-30T15:00:00.000Z");
    expect(endOfLocalDay("2026-07-01")).toBe("2026-07-01T14:59:59.999Z");
  });

  it("covers a 23-hour day (clocks go forward) and a 25-hour day (clocks go back)", () => {
    process.env.TZ = "Europe/Berlin";
    expect(startOfLocalDay("2026-03-29")).toBe("2026-03-28T23:00:00.000Z");
    expect(endOfLocalDay("2026-03-29")).toBe("2026-03-29T21:59:59.999Z");
    expect(startOfLocalDay("2026-10-25")).toBe("2026-10-24T22:00:00.000Z");
    expect(endOfLocalDay("2026-10-25")).toBe("2026-10-25T22:59:59.999Z");
  });

  it("leaves a blank or impossible end open", () => {
    process.env.TZ = "UTC";
    expect(dayRangeToTimestamps({ from: "", to: "" })).toEqual({});
    expect(dayRangeToTimestamps({ from: "2026-02-31", to: "2026-03-02" })).toEqual({ to: "2026-03-02T23:59:59.999Z" });
    expect(dayRangeToTimestamps({ from: "2026-03-02", to: "March" })).toEqual({ from: "2026-03-02T00:00:00.000Z" });
  });

  it("a single day is from its first to its last millisecond", () => {
    process.env.TZ = "UTC";
    expect(dayRangeToTimestamps({ from: "2026-05-05", to: "2026-05-05" })).toEqual({
      from: "2026-05-05T00:00:00.000Z",
      to: "2026-05-05T23:59:59.999Z",
    });
  });
});

describe("dayRangeProblem", () => {
  it("refuses a range that ends before it starts, and nothing else", () => {
    expect(dayRangeProblem({ from: "2026-05-06", to: "2026-05-05" })).toBe("The end date is before the start date");
    expect(dayRangeProblem({ from: "2026-05-05", to: "2026-05-05" })).toBeNull();
    expect(dayRangeProblem({ from: "2026-05-05", to: "" })).toBeNull();
  });
});
