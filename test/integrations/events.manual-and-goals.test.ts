/**
 * The business events of manual-capture payments and of savings goals: one per committed change,
 * the payment (or goal) as its route returns it, and none for a change that did not happen.
 */
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { userWithWallet } from "../helpers/wallet";
import { authorize, cancel, capture, getPayment, refund } from "../payments/manual-factories";
import { createGoal } from "../savings/savings-factories";

type Event = { event_id: string; type: string; data: Record<string, unknown> };
const eventsOf = async (token: string, type: string): Promise<Event[]> =>
  (await api(`/events?type=${type}&limit=100`, { token })).body.events;

describe("business events of manual payments and goals", () => {
  it("authorize, capture and two refunds: payment.authorized, payment.succeeded and one payment.refunded per refund", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "40.00");
    await expect.poll(async () => (await eventsOf(user.token, "payment.authorized")).length, { timeout: 5000 }).toBe(1);
    const [authorized] = await eventsOf(user.token, "payment.authorized");
    expect(authorized?.data).toMatchObject({ transaction_id: payment.transaction_id, status: "AUTHORIZED", authorized_amount: "40.00" });

    expect((await capture(user, payment.transaction_id, { amount: "30.00" })).status).toBe(200);
    await expect.poll(async () => (await eventsOf(user.token, "payment.succeeded")).length, { timeout: 5000 }).toBe(1);
    expect((await eventsOf(user.token, "payment.succeeded"))[0]?.data).toMatchObject({ status: "SUCCESSFUL", captured_amount: "30.00" });

    expect((await refund(user, payment.transaction_id, { amount: "10.00" })).status).toBe(201);
    expect((await refund(user, payment.transaction_id, { amount: "5.00" })).status).toBe(201);
    expect((await refund(user, payment.transaction_id, { amount: "50.00" })).status).toBe(422);
    await expect.poll(async () => (await eventsOf(user.token, "payment.refunded")).length, { timeout: 5000 }).toBe(2);
    // Each carries the payment as it stood when its refund was mirrored (the second may already show both).
    for (const event of await eventsOf(user.token, "payment.refunded")) {
      expect(event.data.transaction_id).toBe(payment.transaction_id);
      expect(["10.00", "15.00"]).toContain(event.data.refunded_amount);
    }
    expect((await getPayment(user, payment.transaction_id)).refunded_amount).toBe("15.00");
    // Nothing was canceled, and the notification says what happened.
    expect(await eventsOf(user.token, "payment.canceled")).toEqual([]);
    const notes = (await api("/notifications", { token: user.token })).body.notifications as { title: string }[];
    expect(notes.map((n) => n.title)).toEqual(expect.arrayContaining(["Payment authorized", "Refund received"]));
  });

  it("a canceled authorization is one payment.canceled, and no payment.succeeded", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "25.00");
    await expect.poll(async () => (await eventsOf(user.token, "payment.authorized")).length, { timeout: 5000 }).toBe(1);
    expect((await cancel(user, payment.transaction_id)).status).toBe(200);
    await expect.poll(async () => (await eventsOf(user.token, "payment.canceled")).length, { timeout: 5000 }).toBe(1);
    expect((await eventsOf(user.token, "payment.canceled"))[0]?.data).toMatchObject({ status: "CANCELED" });
    expect(await eventsOf(user.token, "payment.succeeded")).toEqual([]);
  });

  it("a goal that reaches its target is one goal.reached, however often money is added after", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const goalId = await createGoal(user, walletId, "50.00", { goal_name: "Bike" });
    expect((await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "20.00" } })).status).toBe(200);
    expect(await eventsOf(user.token, "goal.reached")).toEqual([]);
    expect((await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "30.00" } })).status).toBe(200);
    expect((await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "1.00" } })).status).toBe(200);
    const reached = await eventsOf(user.token, "goal.reached");
    expect(reached).toHaveLength(1);
    expect(reached[0]?.data).toMatchObject({ goal_id: goalId, goal_name: "Bike", current_amount: "50.00" });
    const notes = (await api("/notifications", { token: user.token })).body.notifications as { title: string; body: string }[];
    expect(notes).toEqual(expect.arrayContaining([expect.objectContaining({ title: "Goal reached", body: "Bike reached its target" })]));
  });
});
