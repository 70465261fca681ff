import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { formatCents } from "../../workers/domain/money";
import { makeEvent } from "../../workers/lib/events";
import { createPayment, findOwnPayment, listWalletPayments, type PaymentRow } from "../../workers/payments/payments.queries";
import { db, NOW, walletRowFor } from "../helpers/db";

async function paymentOf(userId: string): Promise<PaymentRow> {
  const row = await newPayment(userId);
  await createPayment(db, row, outboxOf(row));
  return row;
}

async function newPayment(userId: string): Promise<PaymentRow> {
  const walletId = await walletRowFor(userId);
  return {
    paymentId: crypto.randomUUID(),
    walletId,
    userId,
    merchant: "Corner shop",
    amountCents: 1_250,
    description: null,
    status: "PENDING",
    failureReason: null,
    createdAt: NOW,
    updatedAt: NOW,
    capture: "automatic",
    authorizedAmountCents: null,
    capturedAmountCents: null,
    refundedAmountCents: 0,
    authorizationExpiresAt: null,
  };
}

function outboxOf(row: PaymentRow) {
  const event = makeEvent(
    "PAYMENT_REQUESTED",
    { payment_id: row.paymentId, wallet_id: row.walletId, amount: formatCents(row.amountCents) },
    { correlationId: row.paymentId, requestId: "test" },
  );
  return { outboxId: `payment-requested:${row.paymentId}`, event };
}

describe("createPayment", () => {
  it("answers the payment as first recorded and its outbox row while it is unsent, in one call", async () => {
    const row = await newPayment(crypto.randomUUID());
    const first = await createPayment(db, row, outboxOf(row));
    expect(first.recorded).toEqual(row);
    expect(first.unsent).toHaveLength(1);
    expect(first.unsent[0]).toMatchObject({ outbox_id: `payment-requested:${row.paymentId}`, queue: "payment-events" });
    expect(JSON.parse(String(first.unsent[0]?.body))).toMatchObject({ type: "PAYMENT_REQUESTED", payload: { payment_id: row.paymentId } });

    // A retry of the same payment id (same Idempotency-Key) inserts nothing and answers the first record,
    // with the outbox row an interrupted first attempt may have left unsent.
    const retry = await createPayment(db, { ...row, merchant: "Another shop", amountCents: 99 }, outboxOf(row));
    expect(retry.recorded).toEqual(row);
    expect(retry.unsent.map((r) => r.outbox_id)).toEqual([`payment-requested:${row.paymentId}`]);
    const outbox = await env.DB.prepare("SELECT COUNT(*) AS n FROM outbox WHERE outbox_id = ?")
      .bind(`payment-requested:${row.paymentId}`)
      .first<{ n: number }>();
    expect(outbox?.n).toBe(1);

    // Once sent, a retry has nothing left to send.
    await env.DB.prepare("UPDATE outbox SET sent_at = ? WHERE outbox_id = ?").bind(NOW, `payment-requested:${row.paymentId}`).run();
    expect((await createPayment(db, row, outboxOf(row))).unsent).toEqual([]);
  });
});

describe("payment queries are scoped to the owner", () => {
  const owner = crypto.randomUUID();
  const other = crypto.randomUUID();

  it("a payment is found for its payer only", async () => {
    const payment = await paymentOf(owner);
    expect(await findOwnPayment(db, owner, payment.paymentId)).toEqual(payment);
    expect(await findOwnPayment(db, other, payment.paymentId)).toBeUndefined();
  });

  it("a wallet's payments are refused to anyone but the wallet's owner", async () => {
    const payment = await paymentOf(owner);
    const page = await listWalletPayments(db, owner, payment.walletId, { limit: 10 });
    expect(page).toEqual({ payments: [payment], nextCursor: null });
    await expect(listWalletPayments(db, other, payment.walletId, { limit: 10 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
