import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { balanceOf, userWithWallet } from "../helpers/wallet";

describe("payment saga over the real local queues", () => {
  it("a payment with funds becomes SUCCESSFUL, one without becomes FAILED", async () => {
    const { user, walletId } = await userWithWallet(5_000);
    const ok = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "30.00" } });
    expect(ok.status).toBe(202);
    expect(ok.body.payment.status).toBe("PENDING");
    const id = ok.body.payment.transaction_id;
    await expect
      .poll(async () => (await api(`/payment/${id}`, { token: user.token })).body.payment.status, { timeout: 5000 })
      .toBe("SUCCESSFUL");
    const big = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "30.00" } });
    const bigId = big.body.payment.transaction_id;
    await expect
      .poll(async () => (await api(`/payment/${bigId}`, { token: user.token })).body.payment, { timeout: 5000 })
      .toMatchObject({
        status: "FAILED",
        failure_reason: "INSUFFICIENT_FUNDS",
      });
    expect(await balanceOf(user, walletId)).toBe("20.00");
  });
});
