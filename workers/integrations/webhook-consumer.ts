/**
 * The webhook-deliveries queue consumer: one message per delivery (`{delivery_id}`), each sent on
 * its own (in parallel within a batch), signed per Standard Webhooks with the endpoint's secret. A 2xx
 * within 10 s is a delivery; anything else is logged on the delivery and retried with exponential
 * backoff (WEBHOOK_RETRY_BASE_SECONDS × 2^(attempt-1)) until the round's attempts are spent, then the
 * delivery is FAILED and the user may retry it. `webhook-id` is the event id on every attempt.
 */
import { Webhook } from "standardwebhooks";
import { clockNow } from "../lib/clock";
import { createDb } from "../lib/db";
import * as queries from "./integrations.queries";
import { allowLocalWebhooks, webhookUrlProblem } from "./ssrf";
import { openWebhookSecret } from "./webhook-secrets";

export const DELIVERY_TIMEOUT_MS = 10_000;
/** A queue message may be delayed at most 12 hours. */
const MAX_DELAY_SECONDS = 43_200;

/**
 * Test seam: the outbound fetch of a delivery. The test runner (vitest-pool-workers) has no outbound
 * fetch mock, so tests replace this with a local receiver; production uses the global fetch.
 */
export const webhookTransport: { fetch: (request: Request) => Promise<Response> } = { fetch: (request) => fetch(request) };

/** The `webhook-signature` of one attempt (Standard Webhooks v1: HMAC-SHA256 of "{id}.{timestamp}.{body}", base64). */
export const signWebhook = (secret: string, webhookId: string, sentAt: Date, body: string) =>
  new Webhook(secret).sign(webhookId, sentAt, body);

export const isWebhookQueue = (queue: string) => queue.startsWith("webhook-deliveries");

export async function handleWebhookBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const deadLetter = batch.queue.endsWith("-dlq");
  await Promise.all(
    batch.messages.map(async (message) => {
      const id = (message.body as { delivery_id?: unknown } | null)?.delivery_id;
      try {
        if (typeof id !== "string") return message.ack();
        if (deadLetter) {
          await finish(env, id, { status: "FAILED", error: "the delivery kept crashing" });
          return message.ack();
        }
        const retryIn = await attemptDelivery(env, id);
        if (retryIn === null) message.ack();
        else message.retry({ delaySeconds: retryIn });
      } catch (error) {
        console.error(JSON.stringify({ level: "error", msg: "webhook delivery crashed", delivery_id: id, error: String(error) }));
        message.retry({ delaySeconds: 5 });
      }
    }),
  );
}

export const retryDelaySeconds = (env: Env, attempt: number) =>
  Math.min(MAX_DELAY_SECONDS, Math.max(1, Number(env.WEBHOOK_RETRY_BASE_SECONDS) || 1) * 2 ** Math.max(0, attempt - 1));

const finish = (env: Env, deliveryId: string, outcome: { status: "FAILED"; error: string }) =>
  queries.settlePendingDelivery(createDb(env.DB), deliveryId, outcome);

/** One attempt; resolves to the seconds until the next one, or null when the delivery is settled. */
export async function attemptDelivery(env: Env, deliveryId: string): Promise<number | null> {
  const db = createDb(env.DB);
  const row = await queries.findDeliveryAttempt(db, deliveryId);
  if (row?.status !== "PENDING") return null;
  if (!row.url || !row.secret || row.deleted_at) {
    await finish(env, deliveryId, { status: "FAILED", error: "the endpoint was deleted" });
    return null;
  }
  if (row.type === null || row.data === null) {
    await finish(env, deliveryId, { status: "FAILED", error: "the event is past retention" });
    return null;
  }
  const problem = webhookUrlProblem(row.url, allowLocalWebhooks(env));
  if (problem) {
    await finish(env, deliveryId, { status: "FAILED", error: `refused: ${problem}` });
    return null;
  }
  const body = JSON.stringify({ event_id: row.event_id, type: row.type, created_at: row.event_created_at, data: JSON.parse(row.data) });
  const sentAt = new Date();
  const signature = signWebhook(await openWebhookSecret(env, row.webhook_id, row.secret), row.event_id, sentAt, body);
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await webhookTransport.fetch(
      new Request(row.url, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        headers: {
          "content-type": "application/json",
          "user-agent": "edge-fintech-webhooks/1",
          "webhook-id": row.event_id,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signature,
        },
        body,
      }),
    );
    statusCode = res.status;
    await res.body?.cancel();
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
  } catch (caught) {
    error = (caught as Error)?.name === "TimeoutError" ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : String(caught).slice(0, 200);
  }
  const attempt = row.attempt + 1;
  const left = row.attempts_left - 1;
  const now = await clockNow(env);
  const delivered = error === null;
  const retryIn = !delivered && left > 0 ? retryDelaySeconds(env, attempt) : null;
  const status = delivered ? "DELIVERED" : retryIn === null ? "FAILED" : "PENDING";
  const recorded = await queries.recordDeliveryAttempt(db, deliveryId, row.attempt, {
    status,
    attempt,
    attemptsLeft: left,
    statusCode,
    error,
    deliveredAt: delivered ? now.toISOString() : null,
    nextAttemptAt: retryIn === null ? null : new Date(now.getTime() + retryIn * 1000).toISOString(),
  });
  // Another attempt of the same delivery settled it meanwhile (a duplicate message): leave it to that one.
  if (!recorded) return null;
  return retryIn;
}
