import { describe, expect, it } from "vitest";
import { settleInterval } from "./settle";

const now = Date.parse("2026-11-24T10:00:00.000Z");
const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();

describe("settleInterval", () => {
  it("does not re-check when nothing is pending", () => {
    expect(settleInterval(undefined, now)).toBe(false);
    expect(settleInterval([{ status: "SUCCESSFUL", created_at: at(1) }], now)).toBe(false);
  });

  it("re-checks a fresh pending item every second, then every five, then stops", () => {
    expect(settleInterval([{ status: "PENDING", created_at: at(1) }], now)).toBe(1_000);
    expect(settleInterval([{ status: "PENDING", created_at: at(30) }], now)).toBe(5_000);
    expect(settleInterval([{ status: "PENDING", created_at: at(600) }], now)).toBe(false);
  });

  it("follows the youngest pending item and tolerates clock skew", () => {
    const items = [
      { status: "PENDING", created_at: at(600) },
      { status: "PENDING", created_at: at(-3) },
    ];
    expect(settleInterval(items, now)).toBe(1_000);
  });
});
