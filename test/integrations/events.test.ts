import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { dispatch } from "../../workers/events";
import { makeEvent } from "../../workers/lib/events";
import { deliver } from "../funding/webhooks";
import { api, centsToString, createWallet, signup } from "../helpers/api";
import { ChaosQueue, rng } from "../helpers/saga";
import { userWithWallet } from "../helpers/wallet";

type Row = { user_id: string; type: string; business_id: string; n: number };
const eventCounts = async (businessIds: string[]) => {
  const rows: Row[] = [];
  for (let i = 0; i < businessIds.length; i += 90) {
    const chunk = businessIds.slice(i, i + 90);
    const { results } = await env.DB.prepare(
      `SELECT user_id, type, business_id, count(*) AS n FROM business_events WHERE business_id IN (${chunk.map(() => "?").join(",")})
       GROUP BY user_id, type, business_id`,
    )
      .bind(...chunk)
      .all<Row>();
    rows.push(...results);
  }
  return rows;
};

describe("business events", () => {
  it("a payment's SUCCESSFUL is one event with the payment as its route returns it, and one notification; only its user sees it", async () => {
    const { user, walletId } = await userWithWallet(5_000);
    const other = await signup();
    const paid = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Corner Shop", amount: "12.50" } });
    const id = paid.body.payment.transaction_id;
    await expect.poll(async () => (await api("/events", { token: user.token })).body.events.length, { timeout: 5000 }).toBe(1);
    const { body } = await api("/events", { token: user.token });
    const payment = (await api(`/payment/${id}`, { token: user.token })).body.payment;
    expect(body.events[0]).toMatchObject({ type: "payment.succeeded", data: payment });
    expect(body.next_cursor).toBeNull();
    expect((await api("/events", { token: other.token })).body.events).toEqual([]);
    const notes = await api("/notifications", { token: user.token });
    expect(notes.body.notifications).toEqual([
      expect.objectContaining({
        event_id: body.events[0].event_id,
        title: "Payment successful",
        body: "$12.50 to Corner Shop",
        read: false,
      }),
    ]);
    expect(notes.body.unread_count).toBe(1);
    expect((await api("/notifications/read", { token: user.token, method: "POST" })).status).toBe(204);
    expect((await api("/notifications?unread=true", { token: user.token })).body).toMatchObject({ notifications: [], unread_count: 0 });
  });

  it("pages newest first with a cursor and filters by type", async () => {
    const { user, walletId } = await userWithWallet(100);
    for (const amount of ["0.10", "0.20", "5.00"]) {
      await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "M", amount } });
    }
    await expect.poll(async () => (await api("/events", { token: user.token })).body.events.length, { timeout: 5000 }).toBe(3);
    const first = await api("/events?limit=2", { token: user.token });
    expect(first.body.events).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await api(`/events?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: user.token });
    expect(second.body.events).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    const ids = [...first.body.events, ...second.body.events].map((e: { event_id: string }) => e.event_id);
    expect(new Set(ids).size).toBe(3);
    const failed = await api("/events?type=payment.failed", { token: user.token });
    expect(failed.body.events.map((e: { type: string; data: { amount: string } }) => [e.type, e.data.amount])).toEqual([
      ["payment.failed", "5.00"],
    ]);
    expect((await api("/events?type=nope", { token: user.token })).status).toBe(400);
  });

  it("a transfer is transfer.sent for the sender and transfer.received for the recipient", async () => {
    const { user: ada, walletId: from } = await userWithWallet(2_000);
    const { user: bob, walletId: to } = await userWithWallet(0);
    const sent = await api("/transfers", { token: ada.token, body: { from_wallet_id: from, to_wallet_id: to, amount: "7.00" } });
    expect(sent.status).toBe(201);
    await expect.poll(async () => (await api("/events", { token: bob.token })).body.events.length, { timeout: 5000 }).toBe(1);
    expect((await api("/events", { token: bob.token })).body.events[0]).toMatchObject({
      type: "transfer.received",
      data: { transfer_id: sent.body.transfer.transfer_id, amount: "7.00", status: "COMPLETED" },
    });
    expect((await api("/events", { token: ada.token })).body.events[0]).toMatchObject({ type: "transfer.sent" });
    expect((await api("/notifications", { token: bob.token })).body.notifications[0]).toMatchObject({ title: "Money received" });
  });

  it("a funding deposit is one deposit.received, however often the processor redelivers it", async () => {
    const { user, walletId } = await userWithWallet(0);
    const id = `msg_${crypto.randomUUID()}`;
    for (let i = 0; i < 3; i++) {
      const res = await deliver({ id, body: { wallet_id: walletId, amount: "25.00", reference: "ACH 42" } });
      expect(res.status).toBe(200);
    }
    const { body } = await api("/events", { token: user.token });
    expect(body.events).toEqual([
      expect.objectContaining({ type: "deposit.received", data: expect.objectContaining({ amount: "25.00" }) }),
    ]);
    expect((await api("/notifications", { token: user.token })).body.notifications[0]).toMatchObject({
      title: "Deposit received",
      body: "$25.00 credited",
    });
  });

  it("a consumer that committed the status and crashed before recording the event records it on the redelivery, once", async () => {
    const { user, walletId } = await userWithWallet(0);
    const paymentId = crypto.randomUUID();
    const now = new Date().toISOString();
    // The state a crash right after the status commit leaves behind: SUCCESSFUL, and no event yet.
    await env.DB.prepare(
      "INSERT INTO payments (payment_id, wallet_id, user_id, merchant, amount_cents, status, created_at, updated_at) VALUES (?, ?, ?, 'M', 100, 'SUCCESSFUL', ?, ?)",
    )
      .bind(paymentId, walletId, user.user_id, now, now)
      .run();
    const outcome = makeEvent(
      "PAYMENT_SUCCESSFUL",
      { payment_id: paymentId, wallet_id: walletId, transaction_id: null },
      { correlationId: paymentId },
    );
    await dispatch(env, outcome);
    await dispatch(env, { ...outcome, event_id: crypto.randomUUID() });
    // A late contradicting outcome records nothing: the payment is not FAILED.
    await dispatch(
      env,
      makeEvent("PAYMENT_FAILED", { payment_id: paymentId, wallet_id: walletId, failure_reason: "X" }, { correlationId: paymentId }),
    );
    expect(await eventCounts([paymentId])).toEqual([{ user_id: user.user_id, type: "payment.succeeded", business_id: paymentId, n: 1 }]);
  });

  it("under duplicates, shuffling, injected consumer failures and evictions: exactly one event per payment, of its final status", async () => {
    const random = rng(17);
    const users = await Promise.all([signup(), signup()]);
    const wallets = await Promise.all(users.map((u) => createWallet(u, 3_000)));
    const queue = new ChaosQueue(random, { failureRate: 0.2, duplicateRate: 0.2, evictEvery: 15, walletIds: () => wallets });
    queue.install();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const n = i % 2;
        const res = await api("/payment", {
          token: users[n]!.token,
          body: { wallet_id: wallets[n]!, merchant: "M", amount: centsToString(100 + Math.floor(random() * 400)) },
        });
        ids.push(res.body.payment.transaction_id);
      }
      const statuses = async () =>
        (
          await env.DB.prepare(`SELECT payment_id, user_id, status FROM payments WHERE payment_id IN (${ids.map(() => "?").join(",")})`)
            .bind(...ids)
            .all<{ payment_id: string; user_id: string; status: string }>()
        ).results;
      await queue.drain(async () => (await statuses()).every((p) => p.status !== "PENDING"));
      await queue.flushOutboxes();
      await queue.drain(async () => true);
      expect(queue.stats.injectedFailures).toBeGreaterThan(0);
      expect(queue.stats.duplicated).toBeGreaterThan(0);
      const expected = (await statuses())
        .map((p) => ({
          user_id: p.user_id,
          type: p.status === "SUCCESSFUL" ? "payment.succeeded" : "payment.failed",
          business_id: p.payment_id,
          n: 1,
        }))
        .sort((a, b) => a.business_id.localeCompare(b.business_id));
      expect(expected.some((e) => e.type === "payment.failed")).toBe(true);
      const counts = (await eventCounts(ids)).sort((a, b) => a.business_id.localeCompare(b.business_id));
      expect(counts).toEqual(expected);
      const notes = await env.DB.prepare(
        `SELECT count(*) AS n FROM notifications n JOIN business_events e ON e.event_id = n.event_id WHERE e.business_id IN (${ids.map(() => "?").join(",")})`,
      )
        .bind(...ids)
        .first<{ n: number }>();
      expect(notes?.n).toBe(ids.length);
    } finally {
      queue.uninstall();
    }
  }, 120_000);
});
