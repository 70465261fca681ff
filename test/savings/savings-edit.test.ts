import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup, type TestUser } from "../helpers/api";

const ledger = (walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));

async function createGoal(user: TestUser, walletId: string, target: string, extra: Record<string, unknown> = {}) {
  const res = await api("/savings-goal", {
    token: user.token,
    body: { wallet_id: walletId, goal_name: "Bike", target_amount: target, ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.goal.goal_id as string;
}

const patch = (user: TestUser, goalId: string, body: unknown) =>
  api(`/savings-goal/${goalId}`, { token: user.token, method: "PATCH", body });

describe("editing a goal (PATCH /v1/savings-goal/{goal_id})", () => {
  it("changes only the fields sent, and a null target_date removes the date", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const goalId = await createGoal(user, walletId, "200.00", { target_date: "2099-06-30" });

    const renamed = await patch(user, goalId, { goal_name: "  Road bike " });
    expect(renamed.status).toBe(200);
    expect(renamed.body.goal).toMatchObject({ goal_name: "Road bike", target_amount: "200.00", target_date: "2099-06-30" });

    const undated = await patch(user, goalId, { target_date: null, target_amount: "250.00" });
    expect(undated.status).toBe(200);
    expect(undated.body.goal).toMatchObject({ goal_name: "Road bike", target_amount: "250.00", target_date: null, monthly_needed: null });

    const read = await api(`/savings-goal/${goalId}`, { token: user.token });
    expect(read.body.goal).toMatchObject({ goal_name: "Road bike", target_amount: "250.00", target_date: null, status: "ACTIVE" });
  });

  it("moves the ledger's target too, so redeem follows the edited target", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const goalId = await createGoal(user, walletId, "100.00");
    await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "60.00" } });

    // Raised: 60 of 100 was not enough, 60 of 150 is not either.
    expect((await patch(user, goalId, { target_amount: "150.00" })).body.goal).toMatchObject({ target_amount: "150.00", progress: 0.4 });
    expect((await ledger(walletId).getPocket(null, goalId))?.target).toBe(15_000);
    expectEnvelope(await api(`/savings-goal/${goalId}/redeem`, { token: user.token, method: "POST" }), 422, "GOAL_NOT_REACHED");

    // Lowered to exactly what is saved: now redeemable.
    const lowered = await patch(user, goalId, { target_amount: "60.00" });
    expect(lowered.body.goal).toMatchObject({ target_amount: "60.00", current_amount: "60.00", progress: 1 });
    expect((await ledger(walletId).getPocket(null, goalId))?.target).toBe(6_000);
    const redeemed = await api(`/savings-goal/${goalId}/redeem`, { token: user.token, method: "POST" });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.wallet).toMatchObject({ balance: "100.00", savings_balance: "0.00" });
  });

  it("refuses a target below the money already saved, on the target_amount field, and changes nothing", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const goalId = await createGoal(user, walletId, "100.00");
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

describe("archiving a redeemed goal (POST /v1/savings-goal/{goal_id}/archive)", () => {
  it("archives a redeemed goal: it leaves the wallet's list, stays readable, and a repeat is harmless", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const goalId = await createGoal(user, walletId, "10.00");
    await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "10.00" } });
    await api(`/savings-goal/${goalId}/redeem`, { token: user.token, method: "POST" });

    const archived = await api(`/savings-goal/${goalId}/archive`, { token: user.token, method: "POST" });
    expect(archived.status).toBe(200);
    expect(archived.body.goal).toMatchObject({ goal_id: goalId, status: "ARCHIVED" });
    expect((await api(`/savings-goal/by-wallet/${walletId}`, { token: user.token })).body.goals).toEqual([]);
    expect((await api(`/savings-goal/${goalId}`, { token: user.token })).body.goal.status).toBe("ARCHIVED");
    expect((await api(`/savings-goal/${goalId}/archive`, { token: user.token, method: "POST" })).body.goal.status).toBe("ARCHIVED");
    expectEnvelope(await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "1.00" } }), 409, "INVALID_STATE");
    expectEnvelope(await patch(user, goalId, { goal_name: "x" }), 409, "INVALID_STATE");
  });

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
