import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { nowIso } from "../../workers/lib/ids";
import { api, signupAdmin, type TestUser } from "../helpers/api";
import { ledger, userWithWallet } from "../helpers/wallet";
import { authorize, cancel, capture, refund } from "../payments/manual-factories";

async function differencesOf(walletId: string) {
  const res = await api("/admin/reconciliation", { token: (await signupAdmin()).token });
  expect(res.status).toBe(200);
  return (res.body.differences as { kind: string; wallet_id: string; reference_id: string | null; message: string }[]).filter(
    (d) => d.wallet_id === walletId,
  );
}

/** A manual payment D1 records as `status`, with nothing done in the ledger (an hour old: past the re-drive timeout). */
async function recordedOnly(user: TestUser, walletId: string, status: string, captured: number | null) {
  const paymentId = crypto.randomUUID();
  const then = new Date(Date.now() - 3_600_000 * 2).toISOString();
  await env.DB.prepare(
    `INSERT INTO payments (payment_id, wallet_id, user_id, merchant, amount_cents, status, created_at, updated_at, capture,
       authorized_amount_cents, captured_amount_cents, authorization_expires_at)
     VALUES (?, ?, ?, 'Hotel', 500, ?, ?, ?, 'manual', 500, ?, ?)`,
  )
    .bind(paymentId, walletId, user.user_id, status, then, then, captured, nowIso())
    .run();
  return paymentId;
}

describe("reconciliation of holds and refunds", () => {
  it("authorized, captured with refunds, and canceled payments reconcile with no difference", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    await authorize(user, walletId, "10.00");
    const captured = await authorize(user, walletId, "20.00");
    expect((await capture(user, captured.transaction_id, { amount: "15.00" })).status).toBe(200);
    expect((await refund(user, captured.transaction_id, { amount: "5.00" })).status).toBe(201);
    const canceled = await authorize(user, walletId, "5.00");
    expect((await cancel(user, canceled.transaction_id)).status).toBe(200);
    expect(await differencesOf(walletId)).toEqual([]);
  });

  it("an AUTHORIZED payment whose hold is missing is a difference", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const paymentId = await recordedOnly(user, walletId, "AUTHORIZED", null);
    expect(await differencesOf(walletId)).toEqual([expect.objectContaining({ kind: "HOLD_MISSING", reference_id: paymentId })]);
  });

  it("a SUCCESSFUL manual payment without its PAYMENT_OUT is a difference", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const paymentId = await recordedOnly(user, walletId, "SUCCESSFUL", 500);
    const found = await differencesOf(walletId);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "HOLD_MISSING", reference_id: paymentId }),
        expect.objectContaining({ kind: "PAYMENT", reference_id: paymentId, message: expect.stringMatching(/no PAYMENT_OUT/) }),
      ]),
    );
  });

  it("a refund D1 records that the ledger never made is a difference", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "10.00");
    expect((await capture(user, payment.transaction_id)).status).toBe(200);
    const refundId = crypto.randomUUID();
    await env.DB.prepare(
      "INSERT INTO refunds (refund_id, payment_id, wallet_id, user_id, amount_cents, reason, created_at) VALUES (?, ?, ?, ?, 100, NULL, ?)",
    )
      .bind(refundId, payment.transaction_id, walletId, user.user_id, nowIso())
      .run();
    expect((await differencesOf(walletId)).map((d) => [d.kind, d.reference_id])).toEqual(expect.arrayContaining([["REFUND", refundId]]));
    expect((await ledger(walletId).holdsAndRefunds()).refunds).toEqual([]);
  });
});
