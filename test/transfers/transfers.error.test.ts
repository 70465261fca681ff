import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";

describe("transfers that cannot be made", () => {
  it("a transfer above the available balance is a 409 and records nothing", async () => {
    const ada = await signup();
    const bob = await signup();
    const from = await createWallet(ada, 1_000);
    const to = await createWallet(bob);
    expectEnvelope(
      await api("/transfers", { token: ada.token, body: { from_wallet_id: from, to_wallet_id: to, amount: "10.01" } }),
      409,
      "INSUFFICIENT_FUNDS",
    );
    expect((await api("/transfers", { token: ada.token })).body.transfers).toEqual([]);
    expect((await api(`/wallet/${from}`, { token: ada.token })).body.wallet.balance).toBe("10.00");
  });

  it("an unknown recipient is a 422 RECIPIENT_NOT_FOUND, and a user without a wallet too", async () => {
    const ada = await signup();
    const walletless = await signup();
    const from = await createWallet(ada, 1_000);
    for (const to of [
      { to_email: "nobody-here@example.com" },
      { to_email: walletless.email },
      { to_wallet_id: crypto.randomUUID() },
      { to_wallet_id: "not-an-id" },
    ]) {
      expectEnvelope(
        await api("/transfers", { token: ada.token, body: { from_wallet_id: from, amount: "1.00", ...to } }),
        422,
        "RECIPIENT_NOT_FOUND",
      );
    }
    expect((await api(`/wallet/${from}`, { token: ada.token })).body.wallet.balance).toBe("10.00");
  });

  it("refuses bad input with a 400 and moves nothing", async () => {
    const ada = await signup();
    const bob = await signup();
    const from = await createWallet(ada, 1_000);
    const to = await createWallet(bob);
    const bodies = [
      { from_wallet_id: from, amount: "1.00" },
      { from_wallet_id: from, to_wallet_id: to, to_email: bob.email, amount: "1.00" },
      { from_wallet_id: from, to_wallet_id: to, amount: "0" },
      { from_wallet_id: from, to_wallet_id: to, amount: "1.001" },
      { from_wallet_id: from, to_wallet_id: to, amount: "1.00", extra: true },
      { from_wallet_id: from, to_wallet_id: to, amount: "1.00", description: "" },
      { from_wallet_id: from, to_email: "not-an-email", amount: "1.00" },
      { from_wallet_id: from, to_wallet_id: from, amount: "1.00" },
    ];
    for (const body of bodies) expectEnvelope(await api("/transfers", { token: ada.token, body }), 400, "VALIDATION_ERROR");
    expect((await api(`/wallet/${from}`, { token: ada.token })).body.wallet.balance).toBe("10.00");
  });
});
