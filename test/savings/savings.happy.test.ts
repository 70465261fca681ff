import { describe, expect, it } from "vitest";
import { monthsUntil, presentGoal } from "../../workers/savings";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";
import { books, createGoal, ledger, patch } from "./savings-factories";

describe("savings goals", () => {
  it("creates, adds, redeems at target, and lists contributions", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 50_000);
    const goalId = await createGoal(user, walletId, "300.00", { target_date: "2099-12-31" });
    const first = await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "100.00" } });
    expect(first.status).toBe(200);
    expect(first.body.goal).toMatchObject({ current_amount: "100.00", progress: 0.3333, status: "ACTIVE" });
    expect(first.body.wallet).toMatchObject({ balance: "400.00", savings_balance: "100.00" });
    expect(first.body.goal.monthly_needed).toMatch(/^\d+\.\d{2}$/);
    expectEnvelope(await api(`/savings-goal/${goalId}/redeem`, { token: user.token, method: "POST" }), 422, "GOAL_NOT_REACHED");
    await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "200.00" } });
    const redeemed = await api(`/savings-goal/${goalId}/redeem`, { token: user.token, method: "POST" });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.goal).toMatchObject({ status: "REDEEMED", monthly_needed: null });
    expect(redeemed.body.wallet).toMatchObject({ balance: "500.00", savings_balance: "0.00" });
    expectEnvelope(await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "1.00" } }), 409, "INVALID_STATE");
    expectEnvelope(await api(`/savings-goal/${goalId}/redeem`, { token: user.token, method: "POST" }), 409, "INVALID_STATE");
    const history = await api(`/savings-goal/${goalId}/transactions`, { token: user.token });
    expect(history.body.transactions.map((t: { type: string; amount: string }) => [t.type, t.amount])).toEqual([
      ["SAVINGS_REDEEM", "300.00"],
      ["SAVINGS_ADD", "200.00"],
      ["SAVINGS_ADD", "100.00"],
    ]);
    expect((await api(`/savings-goal/by-wallet/${walletId}`, { token: user.token })).body.goals).toHaveLength(1);
    await books(user, walletId);
  });

  it("delete returns the money first and reports returned_amount", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const goalId = await createGoal(user, walletId, "500.00");
    await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "42.50" } });
    const deleted = await api(`/savings-goal/${goalId}`, { token: user.token, method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(deleted.body.returned_amount).toBe("42.50");
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet).toMatchObject({
      balance: "100.00",
      savings_balance: "0.00",
    });
    expectEnvelope(await api(`/savings-goal/${goalId}`, { token: user.token }), 404, "NOT_FOUND");
    expectEnvelope(await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "1.00" } }), 404, "NOT_FOUND");
    await books(user, walletId);
  });

  it("computes monthly_needed from the months left, counting this one", () => {
    const today = new Date("2026-11-25T12:00:00Z");
    expect(monthsUntil("2026-11-30", today)).toBe(1);
    expect(monthsUntil("2026-12-24", today)).toBe(1);
    expect(monthsUntil("2026-12-25", today)).toBe(2);
    expect(monthsUntil("2027-11-25", today)).toBe(13);
    expect(monthsUntil("2020-01-01", today)).toBe(1);
    const row = {
      goalId: "g",
      walletId: "w",
      userId: "u",
      goalName: "n",
      targetCents: 100_000,
      currentCents: 10_000,
      targetDate: "2027-02-25",
      status: "ACTIVE" as const,
      ledgerVersion: 1,
      createdAt: "",
      updatedAt: "",
    };
    // 900.00 left over 4 months (Nov, Dec, Jan, Feb) = 225.00.
    expect(presentGoal(row, 10_000, today).monthly_needed).toBe("225.00");
    expect(presentGoal({ ...row, targetDate: null }, 10_000, today).monthly_needed).toBeNull();
  });
});

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
});
