import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";

describe("transfers: only one's own money, only one's own transfers", () => {
  it("nobody sends from another user's wallet (404, as if it did not exist) and nothing moves", async () => {
    const ada = await signup();
    const mallory = await signup();
    const adaWallet = await createWallet(ada, 10_000);
    const malloryWallet = await createWallet(mallory);
    expectEnvelope(
      await api("/transfers", { token: mallory.token, body: { from_wallet_id: adaWallet, to_wallet_id: malloryWallet, amount: "50.00" } }),
      404,
      "NOT_FOUND",
    );
    expect((await api(`/wallet/${adaWallet}`, { token: ada.token })).body.wallet.balance).toBe("100.00");
  });

  it("a transfer is visible to its sender and recipient only; a wallet filter must be one's own", async () => {
    const ada = await signup();
    const bob = await signup();
    const eve = await signup();
    const from = await createWallet(ada, 1_000);
    const to = await createWallet(bob);
    await createWallet(eve);
    const id = (await api("/transfers", { token: ada.token, body: { from_wallet_id: from, to_wallet_id: to, amount: "1.00" } })).body
      .transfer.transfer_id;
    expectEnvelope(await api(`/transfers/${id}`, { token: eve.token }), 404, "NOT_FOUND");
    expect((await api("/transfers", { token: eve.token })).body.transfers).toEqual([]);
    expectEnvelope(await api(`/transfers?wallet_id=${from}`, { token: eve.token }), 404, "NOT_FOUND");
    expect((await api(`/transfers/${id}`, { token: bob.token })).status).toBe(200);
    expectEnvelope(await api("/transfers", { body: { from_wallet_id: from, to_wallet_id: to, amount: "1.00" } }), 401, "UNAUTHENTICATED");
  });
});
