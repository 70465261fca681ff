import { and, eq } from "drizzle-orm";
import { createDb } from "../lib/db";
import type { EventOf } from "../lib/events";
import { nowIso } from "../lib/ids";
import { payments } from "../lib/schema";

/**
 * PAYMENT_SUCCESSFUL / PAYMENT_FAILED → the payment's terminal status. The `status = 'PENDING'`
 * guard makes the transition happen once: a duplicate or late event cannot change a terminal state.
 */
export async function onPaymentOutcome(env: Env, event: EventOf<"PAYMENT_SUCCESSFUL" | "PAYMENT_FAILED">): Promise<void> {
  const successful = event.type === "PAYMENT_SUCCESSFUL";
  await createDb(env.DB)
    .update(payments)
    .set({
      status: successful ? "SUCCESSFUL" : "FAILED",
      failureReason: successful ? null : event.payload.failure_reason,
      updatedAt: nowIso(),
    })
    .where(and(eq(payments.paymentId, event.payload.payment_id), eq(payments.status, "PENDING")));
}

/** Finishes a payment whose PAYMENT_REQUESTED dead-lettered, according to what the ledger really did. */
export async function finishAbandonedPayment(env: Env, paymentId: string, ledgerSucceeded: boolean): Promise<void> {
  await createDb(env.DB)
    .update(payments)
    .set({
      status: ledgerSucceeded ? "SUCCESSFUL" : "FAILED",
      failureReason: ledgerSucceeded ? null : "PROCESSING_ERROR",
      updatedAt: nowIso(),
    })
    .where(and(eq(payments.paymentId, paymentId), eq(payments.status, "PENDING")));
}
