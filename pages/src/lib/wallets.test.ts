import { describe, expect, it } from "vitest";
import { canCreateWallet, pickWallet, WALLET_LIMIT } from "./wallets";

const wallets = [
  { wallet_id: "w1", name: "Main" },
  { wallet_id: "w2", name: "Holidays" },
];

describe("pickWallet", () => {
  it("keeps the remembered wallet", () => {
    expect(pickWallet(wallets, "w2")?.name).toBe("Holidays");
  });

  it("falls back to the oldest when nothing is remembered or the remembered one is gone", () => {
    expect(pickWallet(wallets, null)?.wallet_id).toBe("w1");
    expect(pickWallet(wallets, "w-deleted-or-someone-elses")?.wallet_id).toBe("w1");
  });

  it("is null for a person without wallets", () => {
    expect(pickWallet([], "w1")).toBeNull();
  });
});

describe("canCreateWallet", () => {
  it("allows up to the API's limit of 10", () => {
    expect(WALLET_LIMIT).toBe(10);
    expect(canCreateWallet(Array.from({ length: 9 }, (_, i) => i))).toBe(true);
    expect(canCreateWallet(Array.from({ length: 10 }, (_, i) => i))).toBe(false);
  });
});
