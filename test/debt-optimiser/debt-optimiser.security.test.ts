import { describe, it } from "vitest";
import { api, client, createWallet, expectEnvelope, read, signup } from "../helpers/api";

const body = { monthly_budget: "100", debts: [{ name: "Card", balance: "1000", apr: "24", minimum_payment: "20" }] };

describe("debt optimiser security", () => {
  it("needs a valid token, and checks it before the body", async () => {
    const user = await signup();
    for (const token of [undefined, "garbage", `${user.token}x`]) {
      expectEnvelope(await api("/debt-optimiser", { token, body }), 401, "UNAUTHENTICATED");
      expectEnvelope(await api("/debt-optimiser", { token, body: { nonsense: true } }), 401, "UNAUTHENTICATED");
    }
  });

  it("answers 404 for another user's wallet, as for an unknown one", async () => {
    const owner = await signup();
    const other = await signup();
    const walletId = await createWallet(owner);
    expectEnvelope(
      await read(client(other.token)["debt-optimiser"].$post({ json: { monthly_budget: "100", wallet_id: walletId } })),
      404,
      "NOT_FOUND",
    );
  });

  it("takes only JSON", async () => {
    const user = await signup();
    const res = await api("/debt-optimiser", {
      token: user.token,
      rawBody: "monthly_budget=100",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectEnvelope(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});
