import { describe, expect, it } from "vitest";
import loansHooks from "./hooks/loans.ts?raw";
import paymentsHooks from "./hooks/payments.ts?raw";
import { userLiveUrl } from "./user-live";

describe("the user live feed", () => {
  it("connects to /v1/live on the page's own origin, wss on https", () => {
    expect(userLiveUrl({ protocol: "https:", host: "app.example" })).toBe("wss://app.example/v1/live");
    expect(userLiveUrl({ protocol: "http:", host: "127.0.0.1:5173" })).toBe("ws://127.0.0.1:5173/v1/live");
  });

  it("replaces polling: no interval refetch is left in the payments or loans hooks", () => {
    expect(paymentsHooks).not.toMatch(/refetchInterval/);
    expect(loansHooks).not.toMatch(/refetchInterval/);
  });
});
