import { describe, expect, it } from "vitest";
import { api, expectEnvelope } from "../helpers/api";
import { userWithWallet } from "../helpers/wallet";
import { authorize, cancel, capture, pay, refund, wallet } from "./manual-factories";

describe("manual capture and refunds: errors change nothing", () => {
  it("a capture above the authorized amount is a 422 CAPTURE_EXCEEDS_AUTHORIZED and leaves the hold", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "20.00");
    expectEnvelope(await capture(user, payment.transaction_id, { amount: "20.01" }), 422, "CAPTURE_EXCEEDS_AUTHORIZED");
    expect(await wallet(user, walletId)).toMatchObject({ balance: "100.00", held_balance: "20.00" });
    expect((await capture(user, payment.transaction_id, { amount: "20.00" })).status).toBe(200);
  });

  it("capture and cancel are 409 unless AUTHORIZED; refund is 409 unless SUCCESSFUL", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const automatic = await pay(user, walletId, "5.00");
    expectEnvelope(await capture(user, automatic.transaction_id), 409, "INVALID_STATE");
    expectEnvelope(await cancel(user, automatic.transaction_id), 409, "INVALID_STATE");
    const held = await authorize(user, walletId, "5.00");
    expectEnvelope(await refund(user, held.transaction_id), 409, "INVALID_STATE");
    expect((await cancel(user, held.transaction_id)).status).toBe(200);
    expectEnvelope(await cancel(user, held.transaction_id), 409, "INVALID_STATE");
    expectEnvelope(await capture(user, held.transaction_id), 409, "INVALID_STATE");
    expectEnvelope(await refund(user, held.transaction_id), 409, "INVALID_STATE");
    const captured = await authorize(user, walletId, "5.00");
    expect((await capture(user, captured.transaction_id)).status).toBe(200);
    expectEnvelope(await capture(user, captured.transaction_id), 409, "INVALID_STATE");
    expectEnvelope(await cancel(user, captured.transaction_id), 409, "INVALID_STATE");
    const failed = await authorize(user, walletId, "500.00");
    expect(failed.status).toBe("FAILED");
    expectEnvelope(await capture(user, failed.transaction_id), 409, "INVALID_STATE");
    expect(await wallet(user, walletId)).toMatchObject({ balance: "90.00", held_balance: "0.00" });
  });

  it("a refund above what is left is a 422 REFUND_EXCEEDS_CAPTURED and credits nothing", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await pay(user, walletId, "10.00");
    expectEnvelope(await refund(user, payment.transaction_id, { amount: "10.01" }), 422, "REFUND_EXCEEDS_CAPTURED");
    expect(await wallet(user, walletId)).toMatchObject({ balance: "90.00" });
  });

  it("bad bodies are 400s: amounts, unknown fields, a bad capture mode", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await authorize(user, walletId, "10.00");
    for (const body of [{ amount: "0" }, { amount: "-1.00" }, { amount: "1.001" }, { amount: "1.00", extra: true }]) {
      expectEnvelope(await capture(user, payment.transaction_id, body), 400, "VALIDATION_ERROR");
      expectEnvelope(await refund(user, payment.transaction_id, body), 400, "VALIDATION_ERROR");
    }
    expectEnvelope(
      await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "M", amount: "1.00", capture: "later" } }),
      400,
      "VALIDATION_ERROR",
    );
    expect(await wallet(user, walletId)).toMatchObject({ balance: "100.00", held_balance: "10.00" });
  });

  it("unknown and malformed payment ids are 404", async () => {
    const { user } = await userWithWallet(0);
    for (const id of [crypto.randomUUID(), "not-an-id"]) {
      expectEnvelope(await capture(user, id), 404, "NOT_FOUND");
      expectEnvelope(await cancel(user, id), 404, "NOT_FOUND");
      expectEnvelope(await refund(user, id), 404, "NOT_FOUND");
    }
    expectEnvelope(await api(`/wallet/${crypto.randomUUID()}/holds`, { token: user.token }), 404, "NOT_FOUND");
  });
});

describe("Idempotency-Key on capture, cancel and refund", () => {
  it("a repeated refund with the same key answers the first response and refunds once", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const payment = await pay(user, walletId, "10.00");
    const headers = { "idempotency-key": `refund-${crypto.randomUUID()}` };
    const first = await refund(user, payment.transaction_id, { amount: "4.00" }, headers);
    const again = await refund(user, payment.transaction_id, { amount: "4.00" }, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await wallet(user, walletId)).toMatchObject({ balance: "94.00" });
    expectEnvelope(await refund(user, payment.transaction_id, { amount: "5.00" }, headers), 422, "IDEMPOTENCY_KEY_REUSED");
  });

  it("a repeated capture or cancel with the same key answers the first 200", async () => {
    const { user, walletId } = await userWithWallet(10_000);
    const a = await authorize(user, walletId, "10.00");
    const key = { "idempotency-key": `capture-${crypto.randomUUID()}` };
    const first = await capture(user, a.transaction_id, { amount: "6.00" }, key);
    expect(first.status).toBe(200);
    expect(await capture(user, a.transaction_id, { amount: "6.00" }, key)).toMatchObject({ status: 200, body: first.body });
    const b = await authorize(user, walletId, "10.00");
    const cancelKey = { "idempotency-key": `cancel-${crypto.randomUUID()}` };
    const canceled = await cancel(user, b.transaction_id, cancelKey);
    expect(canceled.status).toBe(200);
    expect(await cancel(user, b.transaction_id, cancelKey)).toMatchObject({ status: 200, body: canceled.body });
    expect(await wallet(user, walletId)).toMatchObject({ balance: "94.00", held_balance: "0.00" });
  });
});
