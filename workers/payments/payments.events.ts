import { and, eq } from "drizzle-orm";
import { recordBusinessEvents } from "../lib/business-events";
import { createDb } from "../lib/db";
import type { EventOf, ServiceEvents } from "../lib/events";
import { nowIso } from "../lib/ids";
import { payments } from "../lib/schema";
import { presentPayment } from "./payments.presenters";

/**
 * PAYMENT_SUCCESSFUL / PAYMENT_FAILED → the payment's terminal status. The `status = 'PENDING'`
 * guard makes the transition happen once: a duplicate or late event cannot change a terminal state.
 */
export async function onPaymentOutcome(env: Env, event: EventOf<"PAYMENT_SUCCESSFUL" | "PAYMENT_FAILED">): Promise<void> {
  const successful = event.type === "PAYMENT_SUCCESSFUL";
  const db = createDb(env.DB);
  const [changed] = await db
    .update(payments)
    .set({
      status: successful ? "SUCCESSFUL" : "FAILED",
      failureReason: successful ? null : event.payload.failure_reason,
      updatedAt: nowIso(),
    })
    .where(and(eq(payments.paymentId, event.payload.payment_id), eq(payments.status, "PENDING")))
    .returning();
  // The business event of the committed status (also on a redelivery after a crash here: it is keyed, so once).
  const row = changed ?? (await db.select().from(payments).where(eq(payments.paymentId, event.payload.payment_id)).get());
  if (row?.status === (successful ? "SUCCESSFUL" : "FAILED"))
    await recordBusinessEvents(env, [
      {
        type: successful ? "payment.succeeded" : "payment.failed",
        userId: row.userId,
        businessId: row.paymentId,
        data: presentPayment(row),
      },
    ]);
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
