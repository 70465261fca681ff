import { describe, expect, it } from "vitest";
import { claimWalletSlot, listWalletIds, releaseWalletSlot } from "../../workers/wallet/wallet.queries";
import { db, NOW } from "../helpers/db";

describe("wallet queries are scoped to the owner", () => {
  it("lists only the user's own wallets", async () => {
    const owner = crypto.randomUUID();
    const other = crypto.randomUUID();
    const walletId = crypto.randomUUID();
    expect(await claimWalletSlot(db, walletId, owner, NOW)).toBe(true);
    expect(await listWalletIds(db, owner)).toEqual([walletId]);
    expect(await listWalletIds(db, other)).toEqual([]);
  });

  it("a retry of the owner's claim is not a new slot; another user's claim of the same id is refused", async () => {
    const owner = crypto.randomUUID();
    const walletId = crypto.randomUUID();
    await claimWalletSlot(db, walletId, owner, NOW);
    expect(await claimWalletSlot(db, walletId, owner, NOW)).toBe(false);
    await expect(claimWalletSlot(db, walletId, crypto.randomUUID(), NOW)).rejects.toMatchObject({ code: "WALLET_LIMIT" });
    await releaseWalletSlot(db, walletId);
    expect(await listWalletIds(db, owner)).toEqual([]);
  });
});
