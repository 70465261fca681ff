import { and, eq } from "drizzle-orm";
import { createDb } from "../lib/db";
import type { EventOf, ServiceEvents } from "../lib/events";
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

export const paymentEvents: ServiceEvents = {
  subscribers: {
    PAYMENT_SUCCESSFUL: [{ name: "payments.outcome", handle: onPaymentOutcome }],
    PAYMENT_FAILED: [{ name: "payments.outcome", handle: onPaymentOutcome }],
  },
  // A dead-lettered outcome changes nothing here: the ledger already moved the money, an admin replay
  // applies the outcome, and until then the reconciliation report lists the difference.
  deadLetters: {},
};
