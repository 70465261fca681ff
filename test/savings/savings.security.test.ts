import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";
import { books, createGoal, patch } from "./savings-factories";

describe("savings goals", () => {
  it("hides another user's goals (404 on every route) and refuses bad input without changing anything", async () => {
    const owner = await signup();
    const other = await signup();
    const walletId = await createWallet(owner, 10_000);
    const goalId = await createGoal(owner, walletId, "50.00");
    await api(`/savings-goal/${goalId}/add`, { token: owner.token, body: { amount: "10.00" } });
    for (const res of [
      await api(`/savings-goal/${goalId}`, { token: other.token }),
      await api(`/savings-goal/${goalId}/transactions`, { token: other.token }),
      await api(`/savings-goal/${goalId}/add`, { token: other.token, body: { amount: "1.00" } }),
      await api(`/savings-goal/${goalId}/redeem`, { token: other.token, method: "POST" }),
      await api(`/savings-goal/${goalId}`, { token: other.token, method: "DELETE" }),
      await api(`/savings-goal/by-wallet/${walletId}`, { token: other.token }),
      await api("/savings-goal", { token: other.token, body: { wallet_id: walletId, goal_name: "x", target_amount: "1.00" } }),
    ]) {
      expectEnvelope(res, 404, "NOT_FOUND");
    }
    const bad = [
      { wallet_id: walletId, goal_name: "", target_amount: "10.00" },
      { wallet_id: walletId, goal_name: "x", target_amount: "0" },
      { wallet_id: walletId, goal_name: "x", target_amount: "1.234" },
      { wallet_id: walletId, goal_name: "x", target_amount: "10.00", target_date: "2027-02-30" },
      { wallet_id: walletId, goal_name: "x", target_amount: "10.00", target_date: "tomorrow" },
      { wallet_id: walletId, goal_name: "x", target_amount: "10.00", extra: true },
    ];
    for (const body of bad) expectEnvelope(await api("/savings-goal", { token: owner.token, body }), 400, "VALIDATION_ERROR");
    for (const body of [{ amount: "0" }, { amount: "-5" }, { amount: "abc" }, {}, { amount: "1.00", x: 1 }]) {
      expectEnvelope(await api(`/savings-goal/${goalId}/add`, { token: owner.token, body }), 400, "VALIDATION_ERROR");
    }
    expectEnvelope(await api("/savings-goal/not-a-uuid", { token: owner.token }), 404, "NOT_FOUND");
    expect((await api(`/savings-goal/by-wallet/${walletId}`, { token: owner.token })).body.goals).toHaveLength(1);
    const audit = await books(owner, walletId);
    expect(audit).toMatchObject({ balance: 9_000, pockets: 1_000 });
  });
});

describe("editing a goal (PATCH /v1/savings-goal/{goal_id})", () => {
  it("is scoped to the owner (404 for anyone else and for unknown or deleted goals) and 409 once redeemed", async () => {
    const owner = await signup();
    const other = await signup();
    const walletId = await createWallet(owner, 10_000);
    const goalId = await createGoal(owner, walletId, "10.00");
    expectEnvelope(await patch(other, goalId, { goal_name: "Mine now" }), 404, "NOT_FOUND");
    expectEnvelope(await patch(owner, "goal_does_not_exist", { goal_name: "x" }), 404, "NOT_FOUND");
    expectEnvelope(await api(`/savings-goal/${goalId}`, { method: "PATCH", body: { goal_name: "x" } }), 401, "UNAUTHENTICATED");

    await api(`/savings-goal/${goalId}/add`, { token: owner.token, body: { amount: "10.00" } });
    await api(`/savings-goal/${goalId}/redeem`, { token: owner.token, method: "POST" });
    expectEnvelope(await patch(owner, goalId, { goal_name: "Again" }), 409, "INVALID_STATE");
    expectEnvelope(await patch(owner, goalId, { target_amount: "20.00" }), 409, "INVALID_STATE");

    const deletedId = await createGoal(owner, walletId, "10.00");
    await api(`/savings-goal/${deletedId}`, { token: owner.token, method: "DELETE" });
    expectEnvelope(await patch(owner, deletedId, { goal_name: "Back" }), 404, "NOT_FOUND");
  });
});
