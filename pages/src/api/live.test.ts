import { describe, expect, it } from "vitest";
import { liveUrl } from "./live";
import { backoffDelay } from "./socket";

describe("liveUrl", () => {
  it("uses the page's origin with ws/wss", () => {
    expect(liveUrl("w 1", { protocol: "http:", host: "localhost:5173" })).toBe("ws://localhost:5173/v1/wallet/w%201/live");
    expect(liveUrl("abc", { protocol: "https:", host: "app.example.com" })).toBe("wss://app.example.com/v1/wallet/abc/live");
  });
});

describe("backoffDelay", () => {
  it("doubles from one second with jitter and caps at thirty", () => {
    expect(backoffDelay(0, 0)).toBe(500);
    expect(backoffDelay(0, 1)).toBe(1_000);
    expect(backoffDelay(3, 1)).toBe(8_000);
    expect(backoffDelay(10, 1)).toBe(30_000);
    expect(backoffDelay(10, 0)).toBe(15_000);
  });
});
