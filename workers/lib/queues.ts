/**
 * The queues (the original's SNS topics) and the one path that sends to them. Imported by the
 * Durable Objects as well as the Worker, so it stays free of zod and route code.
 */

/** Each queue the code speaks of, and the binding that produces to it. */
const QUEUES = {
  "loan-events": "LOAN_EVENTS",
  "payment-events": "PAYMENT_EVENTS",
} as const satisfies Record<string, keyof Env>;

export type QueueName = keyof typeof QUEUES;

// Deployed queue names carry the environment (wrangler.toml: "payment-events-stg-dlq").
const ENVIRONMENT_SUFFIXES = ["", "-stg", "-prd"];
const DLQ_SUFFIX = "-dlq";

export const isQueueName = (name: string): name is QueueName => Object.hasOwn(QUEUES, name);

export function queueBinding(env: Env, queue: string): Queue {
  if (!isQueueName(queue)) throw new Error(`unknown queue ${queue}`);
  return env[QUEUES[queue]];
}

/** The queue a delivered batch came from, and whether it is that queue's dead-letter queue. */
export function resolveQueue(deployedName: string): { queue: QueueName; deadLetter: boolean } {
  const deadLetter = deployedName.endsWith(DLQ_SUFFIX);
  const name = deadLetter ? deployedName.slice(0, -DLQ_SUFFIX.length) : deployedName;
  for (const suffix of ENVIRONMENT_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const queue = name.slice(0, name.length - suffix.length);
    if (isQueueName(queue)) return { queue, deadLetter };
  }
  throw new Error(`unknown queue ${deployedName}`);
}

export type QueueMessage = { queue: string; body: unknown };
export type SendFailure<M> = { message: M; error: unknown };

/** A `sendBatch` takes at most 100 messages. */
const SEND_BATCH = 100;

/**
 * Sends messages to their queues, one `sendBatch` per queue and hundred messages. Resolves to the
 * messages that were not sent (an unknown queue, a failed batch), so each caller keeps exactly
 * those for its own retry (an outbox row, an alarm, a re-drive).
 */
export async function sendEvents<M extends QueueMessage>(env: Env, messages: readonly M[]): Promise<SendFailure<M>[]> {
  const byQueue = new Map<string, M[]>();
  for (const message of messages) byQueue.set(message.queue, [...(byQueue.get(message.queue) ?? []), message]);
  const failures: SendFailure<M>[] = [];
  for (const [queue, queued] of byQueue) {
    for (let i = 0; i < queued.length; i += SEND_BATCH) {
      const chunk = queued.slice(i, i + SEND_BATCH);
      try {
        await queueBinding(env, queue).sendBatch(chunk.map((m) => ({ body: m.body, contentType: "json" as const })));
      } catch (error) {
        failures.push(...chunk.map((message) => ({ message, error })));
      }
    }
  }
  return failures;
}
