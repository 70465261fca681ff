import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { expireDueAuthorizations } from "../../workers/payments";
import { ledger, userWithWallet } from "../helpers/wallet";
import { authorize, cancel, capture, getPayment, refund, wallet } from "./manual-factories";

describe("races on one authorization: one winner, the hold settled once", () => {
  it("capture vs cancel vs expiry, in parallel, many times: exactly one wins and the ledger and D1 agree", async () => {
    const { user, walletId } = await userWithWallet(100_000);
    for (let round = 0; round < 6; round++) {
      const payment = await authorize(user, walletId, "10.00");
      const due = new Date(Date.parse(payment.authorization_expires_at!) + 1);
      const [captured, canceled, expired] = await Promise.all([
        capture(user, payment.transaction_id),
        cancel(user, payment.transaction_id),
        expireDueAuthorizations(env, due),
      ]);
      const wins = [captured.status === 200, canceled.status === 200, expired > 0].filter(Boolean).length;
      expect(wins, `round ${round}`).toBe(1);
      for (const res of [captured, canceled]) expect([200, 409]).toContain(res.status);
      const hold = await ledger(walletId).getHold(payment.transaction_id);
      const after = await getPayment(user, payment.transaction_id);
      const entries = await ledger(walletId).entriesFor(payment.transaction_id);
      if (captured.status === 200) {
        expect(hold).toMatchObject({ status: "POSTED", captured: 1_000 });
        expect(after.status).toBe("SUCCESSFUL");
        expect(entries).toHaveLength(1);
      } else {
        expect(hold?.status).toBe("RELEASED");
        expect(after).toMatchObject({ status: "CANCELED", failure_reason: canceled.status === 200 ? null : "EXPIRED" });
        expect(hold?.release_reason).toBe(canceled.status === 200 ? "CANCELED" : "EXPIRED");
        expect(entries).toEqual([]);
      }
    }
    const final = await wallet(user, walletId);
    expect(final.held_balance).toBe("0.00");
    const audit = await ledger(walletId).audit();
    expect(audit).toMatchObject({ held: 0, heldByHolds: 0 });
    expect(audit!.balance).toBe(audit!.entriesNet);
  });

  it("the ledger's alarm and expireDueAuthorizations agree: whichever runs first releases it, the other finds nothing", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "10.00");
    // The hold's own expiry has not come, so the alarm releases nothing yet.
    await runDurableObjectAlarm(ledger(walletId));
    expect((await ledger(walletId).getHold(payment.transaction_id))?.status).toBe("ACTIVE");
    expect(await expireDueAuthorizations(env, new Date(Date.parse(payment.authorization_expires_at!)))).toBe(1);
    expect(await expireDueAuthorizations(env, new Date(Date.parse(payment.authorization_expires_at!) + 1000))).toBe(0);
    expect(await ledger(walletId).expireDueHolds(new Date(Date.parse(payment.authorization_expires_at!) + 1000).toISOString())).toEqual([]);
    expect(await getPayment(user, payment.transaction_id)).toMatchObject({ status: "CANCELED", failure_reason: "EXPIRED" });
  });

  it("a capture at or after the expiry loses to it, even before any sweep ran", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "10.00");
    const outcome = await ledger(walletId).settleHold({
      op: "capture",
      referenceId: payment.transaction_id,
      transferId: `payment:${payment.transaction_id}`,
      now: payment.authorization_expires_at!,
    });
    expect(outcome).toMatchObject({ ok: false, code: "INVALID_STATE", hold: { status: "RELEASED", release_reason: "EXPIRED" } });
    expect(await ledger(walletId).entriesFor(payment.transaction_id)).toEqual([]);
    expect((await ledger(walletId).getWallet(null))?.held_balance).toBe(0);
  });
});

describe("refunds under races", () => {
  it("20 concurrent refunds never exceed what was captured", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "50.00");
    expect((await capture(user, payment.transaction_id, { amount: "35.00" })).status).toBe(200);
    const results = await Promise.all(Array.from({ length: 20 }, () => refund(user, payment.transaction_id, { amount: "2.50" })));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 422);
    expect(ok.length).toBe(14); // 14 × 2.50 = 35.00
    expect(refused.length).toBe(6);
    for (const r of refused) expect(r.body.error.code).toBe("REFUND_EXCEEDS_CAPTURED");
    const after = await getPayment(user, payment.transaction_id);
    expect(after).toMatchObject({ captured_amount: "35.00", refunded_amount: "35.00" });
    expect(await wallet(user, walletId)).toMatchObject({ balance: "100.00" });
    const { refunds } = await ledger(walletId).holdsAndRefunds();
    expect(refunds.reduce((s, r) => s + r.amount, 0)).toBe(3_500);
  });

  it("concurrent refunds without an amount: one takes the rest, the others are refused", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "20.00");
    expect((await capture(user, payment.transaction_id)).status).toBe(200);
    const results = await Promise.all(Array.from({ length: 5 }, () => refund(user, payment.transaction_id)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422]);
    expect((await getPayment(user, payment.transaction_id)).refunded_amount).toBe("20.00");
  });
});
