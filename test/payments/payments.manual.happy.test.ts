import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { expireDueAuthorizations } from "../../workers/payments";
import { api, signupAdmin } from "../helpers/api";
import { ledger, userWithWallet } from "../helpers/wallet";
import { authorize, cancel, capture, getPayment, pay, refund, wallet } from "./manual-factories";

const DAY = 24 * 3600 * 1000;

describe("manual capture: authorize, then capture, cancel or expire", () => {
  it("an authorization holds the money (balance unmoved), shows as a hold, and expires in 7 days by default", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const before = Date.now();
    const payment = await authorize(user, walletId, "60.00");
    expect(payment).toMatchObject({ status: "AUTHORIZED", captured_amount: "0.00", refunded_amount: "0.00", failure_reason: null });
    const expires = Date.parse(payment.authorization_expires_at!);
    expect(expires).toBeGreaterThanOrEqual(before + 7 * DAY - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * DAY);
    expect(await wallet(user, walletId)).toMatchObject({ balance: "100.00", held_balance: "60.00", available_balance: "40.00" });
    const holds = await api(`/wallet/${walletId}/holds`, { token: user.token });
    expect(holds.status).toBe(200);
    expect(holds.body.holds).toEqual([
      {
        hold_id: expect.any(String),
        amount: "60.00",
        reason: "Hotel Lisboa",
        reference_id: payment.transaction_id,
        expires_at: payment.authorization_expires_at,
        created_at: expect.any(String),
      },
    ]);
    // Spending reads the available balance: 40.00 can be spent, 40.01 cannot.
    expect((await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "40.01" } })).status).toBe(409);
    expect((await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "40.00" } })).status).toBe(200);
  });

  it("a partial capture posts one PAYMENT_OUT of the captured amount and releases the rest", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "60.00");
    const res = await capture(user, payment.transaction_id, { amount: "45.50" });
    expect(res.status).toBe(200);
    expect(res.body.payment).toMatchObject({ status: "SUCCESSFUL", authorized_amount: "60.00", captured_amount: "45.50" });
    expect(await wallet(user, walletId)).toMatchObject({ balance: "54.50", held_balance: "0.00", available_balance: "54.50" });
    const entries = await ledger(walletId).entriesFor(payment.transaction_id);
    expect(entries.map((e) => [e.type, e.direction, e.amount, e.counterparty])).toEqual([
      ["PAYMENT_OUT", "DEBIT", 4_550, { account: "merchants", name: "Hotel Lisboa" }],
    ]);
    expect((await api(`/wallet/${walletId}/holds`, { token: user.token })).body.holds).toEqual([]);
  });

  it("a capture without an amount takes all of it", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "25.00");
    const res = await capture(user, payment.transaction_id);
    expect(res.status).toBe(200);
    expect(res.body.payment).toMatchObject({ status: "SUCCESSFUL", captured_amount: "25.00" });
    expect(await wallet(user, walletId)).toMatchObject({ balance: "75.00", held_balance: "0.00" });
  });

  it("a cancel releases it all: CANCELED, nothing posted", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "60.00");
    const res = await cancel(user, payment.transaction_id);
    expect(res.status).toBe(200);
    expect(res.body.payment).toMatchObject({ status: "CANCELED", failure_reason: null, captured_amount: "0.00" });
    expect(await wallet(user, walletId)).toMatchObject({ balance: "100.00", held_balance: "0.00", available_balance: "100.00" });
    expect(await ledger(walletId).entriesFor(payment.transaction_id)).toEqual([]);
  });

  it("at its expiry the authorization is released: CANCELED with failure_reason EXPIRED (expireDueAuthorizations)", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "30.00");
    // Not due yet: nothing happens.
    expect(await expireDueAuthorizations(env, new Date(Date.now() + DAY))).toBe(0);
    expect((await getPayment(user, payment.transaction_id)).status).toBe("AUTHORIZED");
    const released = await expireDueAuthorizations(env, new Date(Date.parse(payment.authorization_expires_at!) + 1));
    expect(released).toBeGreaterThanOrEqual(1);
    expect(await getPayment(user, payment.transaction_id)).toMatchObject({ status: "CANCELED", failure_reason: "EXPIRED" });
    expect(await wallet(user, walletId)).toMatchObject({ balance: "100.00", held_balance: "0.00" });
    // Expired is terminal: a capture now is a 409.
    expect((await capture(user, payment.transaction_id)).status).toBe(409);
  });

  it("an authorization the wallet cannot cover is FAILED with INSUFFICIENT_FUNDS, nothing held", async () => {
    const { user, walletId } = await userWithWallet(1_000);
    const payment = await authorize(user, walletId, "10.01");
    expect(payment).toMatchObject({ status: "FAILED", failure_reason: "INSUFFICIENT_FUNDS" });
    expect(await wallet(user, walletId)).toMatchObject({ balance: "10.00", held_balance: "0.00" });
  });
});

describe("refunds", () => {
  it("partial and repeated refunds of a captured payment are REFUND credits from merchants, up to the captured amount", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "60.00");
    expect((await capture(user, payment.transaction_id, { amount: "50.00" })).status).toBe(200);
    const first = await refund(user, payment.transaction_id, { amount: "20.00", reason: "Late checkout waived" });
    expect(first.status).toBe(201);
    expect(first.body.refund).toEqual({
      refund_id: expect.any(String),
      transaction_id: payment.transaction_id,
      amount: "20.00",
      reason: "Late checkout waived",
      created_at: expect.any(String),
    });
    expect(first.body.payment).toMatchObject({ status: "SUCCESSFUL", captured_amount: "50.00", refunded_amount: "20.00" });
    // The rest, without an amount.
    const rest = await refund(user, payment.transaction_id);
    expect(rest.status).toBe(201);
    expect(rest.body.refund.amount).toBe("30.00");
    expect(rest.body.payment.refunded_amount).toBe("50.00");
    expect(await wallet(user, walletId)).toMatchObject({ balance: "100.00" });
    const entries = await ledger(walletId).entriesFor(first.body.refund.refund_id);
    expect(entries.map((e) => [e.type, e.direction, e.amount, e.counterparty.account])).toEqual([["REFUND", "CREDIT", 2_000, "merchants"]]);
    // Nothing left to refund.
    const more = await refund(user, payment.transaction_id, { amount: "0.01" });
    expect(more.status).toBe(422);
    expect(more.body.error.code).toBe("REFUND_EXCEEDS_CAPTURED");
  });

  it("an automatic payment is refundable too", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await pay(user, walletId, "12.00");
    expect(payment).toMatchObject({ status: "SUCCESSFUL", capture: "automatic", captured_amount: "12.00", authorized_amount: null });
    const res = await refund(user, payment.transaction_id, { amount: "2.00" });
    expect(res.status).toBe(201);
    expect(res.body.payment.refunded_amount).toBe("2.00");
    expect(await wallet(user, walletId)).toMatchObject({ balance: "90.00" });
  });

  it("the conservation proof stays 0.00 with a hold open, a capture and refunds; held is reported", async () => {
    const admin = await signupAdmin();
    const { user, walletId } = await userWithWallet(10_000);
    const open = await authorize(user, walletId, "10.00");
    const captured = await authorize(user, walletId, "30.00");
    expect((await capture(user, captured.transaction_id, { amount: "25.00" })).status).toBe(200);
    expect((await refund(user, captured.transaction_id, { amount: "5.00" })).status).toBe(201);
    const proof = (await api("/admin/ledger", { token: admin.token })).body;
    expect(proof.difference).toBe("0.00");
    expect(Number(proof.held)).toBeGreaterThanOrEqual(10);
    expect(open.status).toBe("AUTHORIZED");
  });
});
