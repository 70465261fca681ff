/**
 * The queue() entry: validates each message, routes it by event type to the subscribers its services
 * export (the code form of the original's SNS filter policies), dedupes by event id per subscriber,
 * and acks or retries each message on its own. Dead-letter queues are consumed here too: each dead
 * letter is recorded and handed to its services' dead-letter handlers, so no saga stays PENDING.
 */
import { and, eq } from "drizzle-orm";
import { createDb } from "./lib/db";
import { type AppEvent, type EventOf, type EventType, parseEvent, type ServiceEvents, type Subscriber, sagaRefOf } from "./lib/events";
import { nowIso } from "./lib/ids";
import { type QueueName, resolveQueue } from "./lib/queues";
import { redriveSaga } from "./lib/saga-sweep";
import { deadLetters, processedEvents } from "./lib/schema";
import { loanEvents } from "./loans/loans.events";
import { paymentEvents } from "./payments/payments.events";
import { transferEvents } from "./transfers/transfers.events";
import { walletEvents } from "./wallet/wallet.events";

/** Every service that consumes events. */
export const SERVICES: readonly ServiceEvents[] = [walletEvents, paymentEvents, loanEvents, transferEvents];

const subscribersOf = <T extends EventType>(type: T): Subscriber<T>[] => SERVICES.flatMap((service) => service.subscribers[type] ?? []);

/**
 * Test seam: called (and awaited) before and after each subscriber; throwing simulates a consumer
 * crash there, waiting holds the subscriber at that point.
 */
export const consumerFaults: {
  inject?: (point: "before" | "after", subscriber: string, event: Pick<AppEvent, "event_id" | "type">) => void | Promise<void>;
} = {};

/**
 * Test seam: when set, deliveries are handed to the test (and acked) instead of being processed,
 * so a test can redeliver them itself with duplicates, shuffling and injected failures.
 */
export const queueTap: { capture?: (queue: string, body: unknown) => void } = {};

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

/**
 * Processes each message on its own: ack on success, retry with backoff on failure. A batch from a
 * queue the code does not know throws before touching a message, so the platform retries it whole.
 * The messages of a batch (at most `max_batch_size`) run concurrently: delivery has no order, and
 * every subscriber already holds under concurrent duplicates (keyed ledger transfers, guarded
 * transitions, keyed business events), so one message's round trips do not delay the next one's.
 */
export async function processBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const { queue, deadLetter } = resolveQueue(batch.queue);
  await Promise.all(batch.messages.map((message) => processMessage(env, batch.queue, queue, deadLetter, message)));
}

/** One message: ack on success, retry with backoff on failure (never throws). */
async function processMessage(env: Env, batchQueue: string, queue: QueueName, deadLetter: boolean, message: Message<unknown>) {
  try {
    if (deadLetter) await recordDeadLetter(env, queue, message);
    else await deliver(env, queue, message);
    message.ack();
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "message failed",
        queue: batchQueue,
        id: message.id,
        attempts: message.attempts,
        error: String(error),
      }),
    );
    message.retry({ delaySeconds: backoffSeconds(message.attempts) });
  }
}

async function deliver(env: Env, queue: QueueName, message: Message<unknown>): Promise<void> {
  const parsed = parseEvent(message.body);
  if (!parsed.success) {
    // A malformed message can never succeed: record it as a dead letter now instead of retrying it.
    await insertDeadLetter(env, queue, message.id, message.body, `invalid event: ${parsed.error}`, message.attempts);
    await finishInvalidEvent(env, message.body);
    return;
  }
  await dispatch(env, parsed.data);
}

/**
 * Runs every subscriber of one event once per event id: through the D1 inbox (`processed_events`),
 * except a `keyed` subscriber, whose effects are already once per business id.
 */
export async function dispatch<T extends EventType>(env: Env, event: EventOf<T>): Promise<void> {
  const db = createDb(env.DB);
  const seen = (consumer: string) =>
    db
      .select({ id: processedEvents.eventId })
      .from(processedEvents)
      .where(and(eq(processedEvents.consumer, consumer), eq(processedEvents.eventId, event.event_id)))
      .get();
  for (const subscriber of subscribersOf<T>(event.type)) {
    if (!subscriber.keyed && (await seen(subscriber.name))) continue;
    await consumerFaults.inject?.("before", subscriber.name, event);
    await subscriber.handle(env, event);
    await consumerFaults.inject?.("after", subscriber.name, event);
    if (!subscriber.keyed) {
      await db
        .insert(processedEvents)
        .values({ consumer: subscriber.name, eventId: event.event_id, processedAt: nowIso() })
        .onConflictDoNothing();
    }
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
  const parsed = parseEvent(message.body);
  if (parsed.success) await handleDeadLetter(env, parsed.data);
  else await finishInvalidEvent(env, message.body);
}

/** Hands a dead letter to its services' handlers, then applies the outcomes they settled it with. */
async function handleDeadLetter<T extends EventType>(env: Env, event: EventOf<T>): Promise<void> {
  for (const service of SERVICES) {
    const handle = service.deadLetters[event.type];
    if (!handle) continue;
    for (const outcome of await handle(env, event)) await dispatch(env, outcome);
  }
}

/**
 * An event that fails validation still finishes its saga: the business id its payload names is
 * re-driven from the saga's D1 state (a fresh, valid request built from the record), if unfinished.
 */
async function finishInvalidEvent(env: Env, body: unknown): Promise<void> {
  const ref = sagaRefOf(body);
  if (ref) await redriveSaga(env, ref);
}
