import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { queueTap } from "../../workers/events";
import worker from "../../workers/index";
import { api, createWallet, signup } from "../helpers/api";

describe("D1 outbox sweep", () => {
  it("re-publishes an event whose send was lost (e.g. the isolate died right after the batch)", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    // Swallow the first publication, as if the request died between the D1 batch and the send.
    queueTap.capture = () => {};
    const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Lost", amount: "5.00" } });
    const paymentId = res.body.payment.transaction_id;
    await new Promise((r) => setTimeout(r, 100));
    queueTap.capture = undefined;
    await env.DB.prepare("UPDATE outbox SET sent_at = NULL, created_at = ? WHERE outbox_id = ?")
      .bind(new Date(Date.now() - 60_000).toISOString(), `payment-requested:${paymentId}`)
      .run();
    expect((await api(`/payment/${paymentId}`, { token: user.token })).body.payment.status).toBe("PENDING");

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    await expect
      .poll(async () => (await api(`/payment/${paymentId}`, { token: user.token })).body.payment.status, { timeout: 5000 })
      .toBe("SUCCESSFUL");
    const row = await env.DB.prepare("SELECT sent_at FROM outbox WHERE outbox_id = ?")
      .bind(`payment-requested:${paymentId}`)
      .first<{ sent_at: string }>();
    expect(row?.sent_at).not.toBeNull();
  });
});
