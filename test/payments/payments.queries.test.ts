import { describe, expect, it } from "vitest";
import { formatCents } from "../../workers/domain/money";
import { makeEvent } from "../../workers/lib/events";
import { createPayment, findOwnPayment, listWalletPayments, type PaymentRow } from "../../workers/payments/payments.queries";
import { db, NOW, walletRowFor } from "../helpers/db";

async function paymentOf(userId: string): Promise<PaymentRow> {
  const walletId = await walletRowFor(userId);
  const row: PaymentRow = {
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
  const event = makeEvent(
    "PAYMENT_REQUESTED",
    { payment_id: row.paymentId, wallet_id: walletId, amount: formatCents(row.amountCents) },
    { correlationId: row.paymentId, requestId: "test" },
  );
  await createPayment(db, row, { outboxId: `payment-requested:${row.paymentId}`, event });
  return row;
}

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
