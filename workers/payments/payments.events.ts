import { and, eq } from "drizzle-orm";
import { recordBusinessEvents } from "../lib/business-events";
import { createDb } from "../lib/db";
import type { EventOf, ServiceEvents } from "../lib/events";
import { nowIso } from "../lib/ids";
import { parseAmount } from "../lib/money";
import { payments } from "../lib/schema";
import { presentPayment } from "./payments.presenters";
import * as queries from "./payments.queries";

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

const cents = (amount: string) => {
  const parsed = parseAmount(amount, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) throw new Error(`invalid amount in event: ${amount}`);
  return parsed.cents;
};

/**
 * The business event of a payment now in `status`: read after the guarded transition, so a
 * redelivery after a crash between the two still records it, and keyed, so only once.
 */
async function recordPaymentEvent(
  env: Env,
  paymentId: string,
  type: "payment.authorized" | "payment.succeeded" | "payment.canceled" | "payment.refunded",
  status: string,
  businessId = paymentId,
): Promise<void> {
  const row = await createDb(env.DB).select().from(payments).where(eq(payments.paymentId, paymentId)).get();
  if (row?.status === status) await recordBusinessEvents(env, [{ type, userId: row.userId, businessId, data: presentPayment(row) }]);
}

/** Manual capture: D1 follows each decision of the ledger once (guarded transitions in payments.queries.ts). */
async function onAuthorized(env: Env, event: EventOf<"PAYMENT_AUTHORIZED">): Promise<void> {
  await queries.markAuthorized(createDb(env.DB), event.payload.payment_id);
  await recordPaymentEvent(env, event.payload.payment_id, "payment.authorized", "AUTHORIZED");
}

async function onCaptured(env: Env, event: EventOf<"PAYMENT_CAPTURED">): Promise<void> {
  await queries.markCaptured(createDb(env.DB), event.payload.payment_id, cents(event.payload.captured_amount));
  await recordPaymentEvent(env, event.payload.payment_id, "payment.succeeded", "SUCCESSFUL");
}

async function onCanceled(env: Env, event: EventOf<"PAYMENT_CANCELED">): Promise<void> {
  await queries.markCanceled(createDb(env.DB), event.payload.payment_id, event.payload.reason);
  await recordPaymentEvent(env, event.payload.payment_id, "payment.canceled", "CANCELED");
}

/** A refund the ledger made, mirrored once by refund id (the request usually got there first). */
async function onRefunded(env: Env, event: EventOf<"PAYMENT_REFUNDED">): Promise<void> {
  const p = event.payload;
  await queries.recordRefund(
    createDb(env.DB),
    {
      refundId: p.refund_id,
      paymentId: p.payment_id,
      walletId: p.wallet_id,
      userId: p.user_id,
      amountCents: cents(p.amount),
      reason: p.reason,
      createdAt: p.created_at,
    },
    cents(p.refunded_amount),
  );
  // One event per refund (a payment may be refunded in several parts).
  await recordPaymentEvent(env, p.payment_id, "payment.refunded", "SUCCESSFUL", p.refund_id);
}

export const paymentEvents: ServiceEvents = {
  subscribers: {
    // The PENDING guard and the keyed business event: a repeat changes nothing.
    PAYMENT_SUCCESSFUL: [{ name: "payments.outcome", handle: onPaymentOutcome, keyed: true }],
    PAYMENT_FAILED: [{ name: "payments.outcome", handle: onPaymentOutcome, keyed: true }],
    PAYMENT_AUTHORIZED: [{ name: "payments.authorized", handle: onAuthorized }],
    PAYMENT_CAPTURED: [{ name: "payments.captured", handle: onCaptured }],
    PAYMENT_CANCELED: [{ name: "payments.canceled", handle: onCanceled }],
    PAYMENT_REFUNDED: [{ name: "payments.refunded", handle: onRefunded }],
  },
  // A dead-lettered outcome changes nothing here: the ledger already moved the money, an admin replay
  // applies the outcome, and until then the reconciliation report lists the difference.
  deadLetters: {},
};
