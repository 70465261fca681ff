import { describe, expect, it } from "vitest";
import { api, expectEnvelope, signup } from "../helpers/api";
import { userWithWallet } from "../helpers/wallet";
import { authorize, cancel, capture, getPayment, pay, refund, wallet } from "./manual-factories";

describe("manual capture and refunds: a customer touches only their own payments", () => {
  it("another user's payment id for capture, cancel and refund is a 404, and nothing moves", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const intruder = await signup();
    const held = await authorize(user, walletId, "10.00");
    const paid = await pay(user, walletId, "10.00");
    expectEnvelope(await capture(intruder, held.transaction_id), 404, "NOT_FOUND");
    expectEnvelope(await cancel(intruder, held.transaction_id), 404, "NOT_FOUND");
    expectEnvelope(await refund(intruder, paid.transaction_id, { amount: "1.00" }), 404, "NOT_FOUND");
    expect((await getPayment(user, held.transaction_id)).status).toBe("AUTHORIZED");
    expect((await getPayment(user, paid.transaction_id)).refunded_amount).toBe("0.00");
    expect(await wallet(user, walletId)).toMatchObject({ balance: "90.00", held_balance: "10.00" });
  });

  it("another user's wallet holds are a 404; without a token a 401", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    await authorize(user, walletId, "10.00");
    const intruder = await signup();
    expectEnvelope(await api(`/wallet/${walletId}/holds`, { token: intruder.token }), 404, "NOT_FOUND");
    expectEnvelope(await api(`/wallet/${walletId}/holds`), 401, "UNAUTHENTICATED");
    expectEnvelope(await api(`/payment/${crypto.randomUUID()}/capture`, { method: "POST" }), 401, "UNAUTHENTICATED");
  });

  it("a manual payment from another user's wallet is a 404 and places no hold", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const intruder = await signup();
    expectEnvelope(
      await api("/payment", { token: intruder.token, body: { wallet_id: walletId, merchant: "M", amount: "5.00", capture: "manual" } }),
      404,
      "NOT_FOUND",
    );
    expect(await wallet(user, walletId)).toMatchObject({ held_balance: "0.00" });
  });
});
