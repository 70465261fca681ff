import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { processBatch } from "../../workers/events";
import { makeEvent } from "../../workers/lib/events";
import { findUnfinished, publishRequests } from "../../workers/lib/saga-sweep";
import { ledger, userWithWallet } from "../helpers/wallet";
import { getPayment, settled, wallet } from "./manual-factories";

/** A PENDING manual payment recorded in D1 whose request was lost (no outbox row was ever sent). */
async function lostRequest(userId: string, walletId: string, cents: number) {
  const paymentId = crypto.randomUUID();
  const then = new Date(Date.now() - 60_000).toISOString();
  await env.DB.prepare(
    `INSERT INTO payments (payment_id, wallet_id, user_id, merchant, amount_cents, status, created_at, updated_at, capture,
       authorized_amount_cents, authorization_expires_at)
     VALUES (?, ?, ?, 'Hotel', ?, 'PENDING', ?, ?, 'manual', ?, ?)`,
  )
    .bind(paymentId, walletId, userId, cents, then, then, cents, new Date(Date.now() + 3_600_000).toISOString())
    .run();
  return paymentId;
}

async function deliver(queue: string, body: unknown) {
  const batch = createMessageBatch(queue, [{ id: "m-1", timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await processBatch(batch, env);
  return getQueueResult(batch, ctx);
}

describe("manual payments finish like every saga", () => {
  it("a PENDING manual payment is re-driven by the sweep, twice even, and its hold is placed once", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const paymentId = await lostRequest(user.user_id, walletId, 2_500);
    const due = (await findUnfinished(env, 0, 500)).filter((s) => s.id === paymentId);
    expect(due).toHaveLength(1);
    expect(due[0]!.event.payload).toMatchObject({ capture: "manual", amount: "25.00" });
    await publishRequests(env, due);
    await publishRequests(
      env,
      (await findUnfinished(env, 0, 500)).filter((s) => s.id === paymentId),
    );
    expect((await settled(user, paymentId)).status).toBe("AUTHORIZED");
    expect(await wallet(user, walletId)).toMatchObject({ balance: "100.00", held_balance: "25.00" });
    expect(await ledger(walletId).listHolds(null)).toHaveLength(1);
  });

  it("a dead-lettered manual request ends AUTHORIZED when the hold was placed, FAILED (PROCESSING_ERROR) when not", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const placed = await lostRequest(user.user_id, walletId, 1_000);
    const never = await lostRequest(user.user_id, walletId, 1_000);
    const request = (paymentId: string) =>
      makeEvent(
        "PAYMENT_REQUESTED",
        {
          payment_id: paymentId,
          wallet_id: walletId,
          amount: "10.00",
          merchant: "Hotel",
          capture: "manual",
          authorization_expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        },
        { correlationId: paymentId },
      );
    await deliver("payment-events", request(placed));
    await deliver("payment-events-dlq", request(placed));
    await deliver("payment-events-dlq", request(never));
    const read = async (id: string) =>
      (await env.DB.prepare("SELECT status, failure_reason FROM payments WHERE payment_id = ?").bind(id).first()) as {
        status: string;
        failure_reason: string | null;
      };
    await expect.poll(() => read(placed)).toMatchObject({ status: "AUTHORIZED" });
    await expect.poll(() => read(never)).toMatchObject({ status: "FAILED", failure_reason: "PROCESSING_ERROR" });
    // A late delivery of the abandoned request can never place its hold.
    await deliver("payment-events", request(never));
    expect(await ledger(walletId).getHold(never)).toBeNull();
    expect((await ledger(walletId).getWallet(null))?.held_balance).toBe(1_000);
    expect((await getPayment(user, never)).status).toBe("FAILED");
  });
});
