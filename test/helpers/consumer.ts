import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { expect } from "vitest";
import { processBatch } from "../../workers/events";

/** A message the queue tap (`queueTap.capture`) caught instead of sending. */
export type Captured = { queue: string; body: any };

/** One message through the consumer; true when it was acked. */
export async function deliver(queue: string, body: unknown): Promise<boolean> {
  return (await deliverBatch(queue, [body])).acked.length === 1;
}

/** One batch of `bodies` from `queue` through the consumer: the ids it acked and those it retried. */
export async function deliverBatch(queue: string, bodies: unknown[]) {
  const messages = bodies.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body }));
  const batch = createMessageBatch(queue, messages);
  const ctx = createExecutionContext();
  await processBatch(batch, env);
  const result = await getQueueResult(batch, ctx);
  return { ids: messages.map((m) => m.id), acked: result.explicitAcks, retried: result.retryMessages.map((m) => m.msgId) };
}

/** The captured events of `type` (of one payment, with `paymentId`), once there are `count` of them. */
export async function taken(captured: Captured[], type: string, count: number, paymentId?: string): Promise<Captured[]> {
  const matches = (c: Captured) => c.body?.type === type && (paymentId === undefined || c.body.payload?.payment_id === paymentId);
  await expect.poll(() => captured.filter(matches).length, { timeout: 5000 }).toBeGreaterThanOrEqual(count);
  return captured.filter(matches);
}
