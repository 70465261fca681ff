import { createMessageBatch, env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { consumerFaults, processBatch, queueTap } from "../../workers/events";
import { api, createWallet, expectEnvelope, signup, signupAdmin } from "../helpers/api";
import { MAX_RETRIES } from "../helpers/saga";

const captured: { queue: string; body: any }[] = [];

/** Delivers one message the way the platform would: retried up to max_retries, then dead-lettered. */
async function deliverUntilSettled(message: { queue: string; body: unknown }) {
  for (let attempts = 1; attempts <= MAX_RETRIES + 1; attempts++) {
    const batch = createMessageBatch(message.queue, [{ id: `m-${attempts}`, timestamp: new Date(), attempts, body: message.body }]);
    const before = failures;
    await processBatch(batch, env);
    if (failures === before) return "acked";
  }
  await processBatch(
    createMessageBatch(`${message.queue}-dlq`, [{ id: "dlq-1", timestamp: new Date(), attempts: 1, body: message.body }]),
    env,
  );
  return "dead-lettered";
}
let failures = 0;

afterEach(() => {
  queueTap.capture = undefined;
  consumerFaults.inject = undefined;
  captured.length = 0;
  failures = 0;
});

function alwaysFail(subscriber: string) {
  consumerFaults.inject = (point, name) => {
    if (point === "before" && name === subscriber) {
      failures++;
      throw new Error("consumer is broken");
    }
  };
}

async function next(type: string) {
  await expect.poll(() => captured.some((c) => c.body.type === type)).toBe(true);
  const index = captured.findIndex((c) => c.body.type === type);
  return captured.splice(index, 1)[0]!;
}

describe("dead letters", () => {
  it("a payment request that always throws is dead-lettered, recorded, finished as FAILED, and replays safely", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    queueTap.capture = (queue, body) => captured.push({ queue, body });
    alwaysFail("wallet.payment-debit");
    const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "10.00" } });
    const paymentId = res.body.payment.transaction_id;
    const requested = await next("PAYMENT_REQUESTED");
    expect(await deliverUntilSettled(requested)).toBe("dead-lettered");
    expect(failures).toBe(MAX_RETRIES + 1);

    const payment = (await api(`/payment/${paymentId}`, { token: user.token })).body.payment;
    expect(payment).toMatchObject({ status: "FAILED", failure_reason: "PROCESSING_ERROR" });
    const letters = (await api("/admin/dead-letters", { token: admin.token })).body.dead_letters;
    const letter = letters.find((l: any) => l.event.payload?.payment_id === paymentId);
    expect(letter).toMatchObject({ queue: "payment-events", replayed_at: null });
    expectEnvelope(await api("/admin/dead-letters", { token: user.token }), 403, "FORBIDDEN");

    // The fault is fixed; replaying runs the consumer cleanly and cannot revive a terminal payment.
    consumerFaults.inject = undefined;
    const replay = await api(`/admin/dead-letters/${encodeURIComponent(letter.dead_letter_id)}/replay`, {
      token: admin.token,
      method: "POST",
    });
    expect(replay.status).toBe(202);
    expect(replay.body.dead_letter.replayed_at).not.toBeNull();
    const again = await next("PAYMENT_REQUESTED");
    expect(await deliverUntilSettled(again)).toBe("acked");
    expect((await api(`/payment/${paymentId}`, { token: user.token })).body.payment.status).toBe("FAILED");
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("100.00");
    const ledger = env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));
    expect(await ledger.entriesFor(paymentId)).toEqual([]);
    expect((await api("/admin/reconciliation", { token: admin.token })).body.differences).toEqual([]);
  });

  it("a loan disbursement that always throws is flagged, and the admin replay disburses it once the fault is gone", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user);
    const loan = (await api("/loan", { token: user.token, body: { wallet_id: walletId, amount: "500.00", loan_term_months: 6 } })).body
      .loan;
    queueTap.capture = (queue, body) => captured.push({ queue, body });
    alwaysFail("wallet.loan-credit");
    await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" });
    expect(await deliverUntilSettled(await next("LOAN_APPROVED"))).toBe("dead-lettered");
    const flagged = await env.DB.prepare("SELECT disbursement_error, disbursed_at FROM loans WHERE loan_id = ?").bind(loan.loan_id).first();
    expect(flagged).toMatchObject({ disbursed_at: null, disbursement_error: expect.stringContaining("dead-lettered") });

    consumerFaults.inject = undefined;
    failures = 0;
    const letter = (await api("/admin/dead-letters", { token: admin.token })).body.dead_letters.find(
      (l: any) => l.event.payload?.loan_id === loan.loan_id,
    );
    await api(`/admin/dead-letters/${encodeURIComponent(letter.dead_letter_id)}/replay`, { token: admin.token, method: "POST" });
    expect(await deliverUntilSettled(await next("LOAN_APPROVED"))).toBe("acked");
    expect(await deliverUntilSettled(await next("LOAN_DISBURSED"))).toBe("acked");
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("500.00");
    expect((await api(`/loan/${loan.loan_id}`, { token: user.token })).body.loan.disbursed_at).not.toBeNull();
  });

  it("records a malformed message as a dead letter instead of retrying it forever", async () => {
    const admin = await signupAdmin();
    const batch = createMessageBatch("payment-events", [
      { id: "bad-1", timestamp: new Date(), attempts: 1, body: { type: "PAYMENT_REQUESTED", nope: true } },
    ]);
    await processBatch(batch, env);
    const letters = (await api("/admin/dead-letters", { token: admin.token })).body.dead_letters;
    expect(letters.some((l: any) => l.error.startsWith("invalid event") && l.event.nope === true)).toBe(true);
  });
});
