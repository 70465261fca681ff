/**
 * The queue() entry: validates each message, routes it by event type to its subscribers (the code
 * form of the original's SNS filter policies), dedupes by event id per subscriber, and acks or
 * retries each message on its own. Dead-letter queues are consumed here too: each dead letter is
 * recorded and its saga finished, so nothing stays PENDING.
 */
import { and, eq } from "drizzle-orm";
import { createDb } from "./lib/db";
import { type AppEvent, EventSchema, type EventType, type QueueName, sagaRefOf } from "./lib/events";
import { nowIso } from "./lib/ids";
import { redriveSaga } from "./lib/saga-sweep";
import { deadLetters, processedEvents } from "./lib/schema";
import { flagDisbursementFailure, onLoanDisbursed, onRepaymentOutcome, settleRepayment } from "./loans/loans.events";
import { finishAbandonedPayment, onPaymentOutcome } from "./payments/payments.events";
import {
  abandonMovement,
  onLoanApproved,
  onPaymentRequested,
  onRepaymentRequested,
  paymentTransferId,
  repaymentTransferId,
} from "./wallet/wallet.events";

type Handler = (env: Env, event: never) => Promise<void>;
type Subscriber = { name: string; handle: Handler };

/** Subscriptions: event type → who consumes it. */
export const SUBSCRIPTIONS: Record<EventType, Subscriber[]> = {
  PAYMENT_REQUESTED: [{ name: "wallet.payment-debit", handle: onPaymentRequested }],
  PAYMENT_SUCCESSFUL: [{ name: "payments.outcome", handle: onPaymentOutcome }],
  PAYMENT_FAILED: [{ name: "payments.outcome", handle: onPaymentOutcome }],
  LOAN_APPROVED: [{ name: "wallet.loan-credit", handle: onLoanApproved }],
  LOAN_DISBURSED: [{ name: "loans.disbursed", handle: onLoanDisbursed }],
  LOAN_REPAYMENT_REQUESTED: [{ name: "wallet.repayment-debit", handle: onRepaymentRequested }],
  LOAN_REPAYMENT_SUCCESSFUL: [{ name: "loans.repayment-outcome", handle: onRepaymentOutcome }],
  LOAN_REPAYMENT_FAILED: [{ name: "loans.repayment-outcome", handle: onRepaymentOutcome }],
};

/** Test seam: called before and after each subscriber; throwing simulates a consumer crash there. */
export const consumerFaults: { inject?: (point: "before" | "after", subscriber: string, event: AppEvent) => void } = {};

/**
 * Test seam: when set, deliveries are handed to the test (and acked) instead of being processed,
 * so a test can redeliver them itself with duplicates, shuffling and injected failures.
 */
export const queueTap: { capture?: (queue: string, body: unknown) => void } = {};

const DLQ_SUFFIX = "-dlq";
const backoffSeconds = (attempts: number) => Math.min(60, 2 ** Math.max(0, attempts - 1));

export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (queueTap.capture) {
    for (const message of batch.messages) {
      queueTap.capture(batch.queue, message.body);
      message.ack();
    }
    return;
  }
  await processBatch(batch, env);
}

/** Processes each message on its own: ack on success, retry with backoff on failure. */
export async function processBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const isDeadLetterQueue = batch.queue.endsWith(DLQ_SUFFIX);
  // Deployed queue names carry the environment ("payment-events-stg-dlq"); the code speaks of the topic.
  const queue: QueueName = batch.queue.startsWith("loan-events") ? "loan-events" : "payment-events";
  for (const message of batch.messages) {
    try {
      if (isDeadLetterQueue) await recordDeadLetter(env, queue, message);
      else await deliver(env, queue, message);
      message.ack();
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "message failed",
          queue: batch.queue,
          id: message.id,
          attempts: message.attempts,
          error: String(error),
        }),
      );
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
}

async function deliver(env: Env, queue: QueueName, message: Message<unknown>): Promise<void> {
  const parsed = EventSchema.safeParse(message.body);
  if (!parsed.success) {
    // A malformed message can never succeed: record it as a dead letter now instead of retrying it.
    await insertDeadLetter(
      env,
      queue,
      message.id,
      message.body,
      `invalid event: ${parsed.error.issues[0]?.message ?? "unknown"}`,
      message.attempts,
    );
    await finishInvalidEvent(env, message.body);
    return;
  }
  await dispatch(env, parsed.data);
}

/** Runs every subscriber of one event once per event id. */
export async function dispatch(env: Env, event: AppEvent): Promise<void> {
  const db = createDb(env.DB);
  for (const subscriber of SUBSCRIPTIONS[event.type]) {
    const seen = await db
      .select({ id: processedEvents.eventId })
      .from(processedEvents)
      .where(and(eq(processedEvents.consumer, subscriber.name), eq(processedEvents.eventId, event.event_id)))
      .get();
    if (seen) continue;
    consumerFaults.inject?.("before", subscriber.name, event);
    await subscriber.handle(env, event as never);
    consumerFaults.inject?.("after", subscriber.name, event);
    await db
      .insert(processedEvents)
      .values({ consumer: subscriber.name, eventId: event.event_id, processedAt: nowIso() })
      .onConflictDoNothing();
  }
}

async function insertDeadLetter(env: Env, queue: QueueName, messageId: string, body: unknown, error: string, attempts: number) {
  const event = body as Partial<AppEvent> | null;
  const id = typeof event?.event_id === "string" ? `${queue}:${event.event_id}` : `${queue}:msg:${messageId}`;
  await createDb(env.DB)
    .insert(deadLetters)
    .values({ deadLetterId: id, queue, event: JSON.stringify(body ?? null), error, attempts, createdAt: nowIso(), replayedAt: null })
    .onConflictDoNothing();
}

/** A message that exhausted its retries: record it, then finish its saga so nothing stays PENDING. */
async function recordDeadLetter(env: Env, queue: QueueName, message: Message<unknown>): Promise<void> {
  await insertDeadLetter(env, queue, message.id, message.body, "exhausted retries", message.attempts);
  const parsed = EventSchema.safeParse(message.body);
  if (parsed.success) await finishSaga(env, parsed.data);
  else await finishInvalidEvent(env, message.body);
}

/**
 * An event that fails validation still finishes its saga: the business id its payload names is
 * re-driven from the saga's D1 state (a fresh, valid request built from the record), if unfinished.
 */
async function finishInvalidEvent(env: Env, body: unknown): Promise<void> {
  const ref = sagaRefOf(body);
  if (ref) await redriveSaga(env, ref);
}

export async function finishSaga(env: Env, event: AppEvent): Promise<void> {
  switch (event.type) {
    case "PAYMENT_REQUESTED": {
      const { payment_id, wallet_id } = event.payload;
      await finishAbandonedPayment(env, payment_id, await abandonMovement(env, wallet_id, paymentTransferId(payment_id)));
      return;
    }
    case "LOAN_REPAYMENT_REQUESTED": {
      const { repayment_id, wallet_id } = event.payload;
      const debited = await abandonMovement(env, wallet_id, repaymentTransferId(repayment_id));
      await settleRepayment(env, repayment_id, debited ? null : "PROCESSING_ERROR");
      return;
    }
    case "LOAN_APPROVED":
      await flagDisbursementFailure(env, event.payload.loan_id, "disbursement dead-lettered; replay it from the admin page");
      return;
    default:
      // Outcome events: the ledger already moved the money; an admin replay applies the outcome.
      // Until then the reconciliation report lists the difference.
      return;
  }
}
