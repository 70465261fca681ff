import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";
import { createGoal, ledger, patch } from "./savings-factories";

describe("editing a goal (PATCH /v1/savings-goal/{goal_id})", () => {
  it("refuses a target below the money already saved, on the target_amount field, and changes nothing", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const goalId = await createGoal(user, walletId, "100.00", { goal_name: "Bike" });
    await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "60.00" } });
    const refused = await patch(user, goalId, { goal_name: "Other", target_amount: "59.99" });
    expectEnvelope(refused, 400, "VALIDATION_ERROR");
    expect(refused.body.error.details).toEqual([{ path: "body.target_amount", message: "must be at least the 60.00 already saved" }]);
    expect((await api(`/savings-goal/${goalId}`, { token: user.token })).body.goal).toMatchObject({
      goal_name: "Bike",
      target_amount: "100.00",
    });
    expect((await ledger(walletId).getPocket(null, goalId))?.target).toBe(10_000);
  });

  it("400s on bad input: nothing to change, unknown fields, a blank name, a bad amount or date", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const goalId = await createGoal(user, walletId, "100.00");
    for (const body of [
      {},
      { status: "REDEEMED" },
      { goal_name: "   " },
      { target_amount: "0.00" },
      { target_amount: "12.345" },
      { target_date: "2099-02-30" },
    ]) {
      expectEnvelope(await patch(user, goalId, body), 400, "VALIDATION_ERROR");
    }
  });
});

describe("archiving a redeemed goal (POST /v1/savings-goal/{goal_id}/archive)", () => {
  it("refuses an active goal (409) and anyone but the owner (404)", async () => {
    const owner = await signup();
    const other = await signup();
    const walletId = await createWallet(owner, 10_000);
    const goalId = await createGoal(owner, walletId, "10.00");
    expectEnvelope(await api(`/savings-goal/${goalId}/archive`, { token: owner.token, method: "POST" }), 409, "INVALID_STATE");
    expectEnvelope(await api(`/savings-goal/${goalId}/archive`, { token: other.token, method: "POST" }), 404, "NOT_FOUND");
    expect((await api(`/savings-goal/by-wallet/${walletId}`, { token: owner.token })).body.goals).toHaveLength(1);
  });
});
