/**
 * Business events (API.md "Events, webhooks and notifications"): one row per committed state change
 * per user, keyed by (user, type, business id), so a duplicate or redelivered saga message, or a
 * consumer that crashed after its commit and runs again, records nothing new. Services call
 * `recordBusinessEvents` from their finishing code, after their own commit, with the resource as
 * its route returns it. The same D1 batch writes the event's notification and one PENDING delivery
 * per subscribed webhook endpoint; then, for a new event only, the user's live sockets get the event
 * and the notification, and each delivery goes onto the webhook queue (its own message: a slow
 * receiver never delays the saga). A delivery whose message was lost is re-sent by the sweep.
 */
import { clockNow } from "./clock";

export const BUSINESS_EVENT_TYPES = [
  "payment.succeeded",
  "payment.failed",
  "payment.authorized",
  "payment.canceled",
  "payment.refunded",
  "transfer.sent",
  "transfer.received",
  "transfer.reversed",
  "loan.approved",
  "loan.rejected",
  "loan.disbursed",
  "loan.installment_due",
  "loan.repayment_succeeded",
  "loan.repayment_failed",
  "loan.late_fee_charged",
  "loan.paid",
  "goal.reached",
  "deposit.received",
] as const;
export type BusinessEventType = (typeof BUSINESS_EVENT_TYPES)[number];

export type BusinessEventInput = {
  type: BusinessEventType;
  userId: string;
  /** The id of the resource whose state changed (payment, transfer, loan, repayment, goal, deposit). */
  businessId: string;
  /** The resource as its route returns it. */
  data: Record<string, unknown>;
};

export type BusinessEvent = { event_id: string; type: string; created_at: string; data: unknown };
export type Notification = { notification_id: string; event_id: string; title: string; body: string; read: boolean; created_at: string };

/** Business events and notifications are kept this long (the cron prunes older ones). */
export const RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

export const maxWebhookAttempts = (env: Env) => Math.max(1, Number(env.WEBHOOK_MAX_ATTEMPTS) || 6);

const str = (value: unknown, fallback = "") => (typeof value === "string" ? value : fallback);

/** The short text of a notification, from the event's type and resource. */
export function notificationText(type: string, data: Record<string, unknown>): { title: string; body: string } {
  const amount = `$${str(data.amount, "0.00")}`;
  switch (type) {
    case "payment.succeeded":
      return { title: "Payment successful", body: `${amount} to ${str(data.merchant, "a merchant")}` };
    case "payment.failed":
      return { title: "Payment failed", body: `${amount} to ${str(data.merchant, "a merchant")}: ${str(data.failure_reason, "declined")}` };
    case "payment.authorized":
      return { title: "Payment authorized", body: `${amount} on hold for ${str(data.merchant, "a merchant")}` };
    case "payment.canceled":
      return {
        title: data.failure_reason === "EXPIRED" ? "Authorization expired" : "Authorization canceled",
        body: `${amount} for ${str(data.merchant, "a merchant")} is available again`,
      };
    case "payment.refunded":
      return {
        title: "Refund received",
        body: `${str(data.merchant, "A merchant")} has refunded $${str(data.refunded_amount, "0.00")} so far`,
      };
    case "transfer.sent":
      return { title: "Transfer sent", body: `${amount} to ${str(data.recipient_name, "another wallet")}` };
    case "transfer.received":
      return { title: "Money received", body: `${amount} from ${str(data.sender_name, "another wallet")}` };
    case "transfer.reversed":
      return { title: "Transfer reversed", body: `${amount} to ${str(data.recipient_name, "another wallet")} came back` };
    case "loan.approved":
      return { title: "Loan approved", body: `${amount} approved` };
    case "loan.rejected":
      return { title: "Loan rejected", body: str(data.rejection_reason, "Your loan application was rejected") };
    case "loan.disbursed":
      return { title: "Loan paid out", body: `${amount} is in your wallet` };
    case "loan.installment_due":
      return { title: "Installment due", body: `${str(data.next_payment_due, "An installment")} is due on your loan` };
    case "loan.late_fee_charged":
      return { title: "Late fee charged", body: `A late fee was added to your loan: ${str(data.fees_due, "see the loan")} in fees due` };
    case "loan.repayment_succeeded":
      return { title: "Repayment received", body: `${amount} repaid` };
    case "loan.repayment_failed":
      return { title: "Repayment failed", body: `${amount}: ${str(data.failure_reason, "declined")}` };
    case "loan.paid":
      return { title: "Loan paid off", body: "Your loan is fully repaid" };
    case "goal.reached":
      return { title: "Goal reached", body: `${str(data.goal_name, "Your goal")} reached its target` };
    case "deposit.received":
      return { title: "Deposit received", body: `${amount} credited` };
    default:
      return { title: type, body: "" };
  }
}

/** The user's live feed object (durable-objects/user-live.ts). */
export const userLiveFor = (env: Env, userId: string) => env.USER_LIVE.get(env.USER_LIVE.idFromName(userId));

/**
 * Records each business event once (see the module comment). Safe to call again for the same change:
 * nothing is written or sent twice. The fan-out (live sockets, webhook queue) never fails the caller.
 */
export async function recordBusinessEvents(env: Env, inputs: readonly BusinessEventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const now = (await clockNow(env)).toISOString();
  const db = env.DB;
  const prepared = inputs.map((input) => {
    const eventId = crypto.randomUUID();
    const notificationId = crypto.randomUUID();
    const data = JSON.stringify(input.data);
    const text = notificationText(input.type, input.data);
    const key = [input.userId, input.type, input.businessId] as const;
    return {
      input,
      eventId,
      notification: { notification_id: notificationId, event_id: eventId, ...text, read: false, created_at: now } satisfies Notification,
      event: { event_id: eventId, type: input.type, created_at: now, data: input.data } satisfies BusinessEvent,
      statements: [
        db
          .prepare(
            `INSERT INTO business_events (event_id, user_id, type, business_id, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT DO NOTHING RETURNING event_id`,
          )
          .bind(eventId, ...key, data, now),
        db
          .prepare(
            `INSERT OR IGNORE INTO notifications (notification_id, user_id, event_id, title, body, created_at)
             SELECT ?4, user_id, event_id, ?5, ?6, created_at FROM business_events WHERE user_id = ?1 AND type = ?2 AND business_id = ?3`,
          )
          .bind(...key, notificationId, text.title, text.body),
        db
          .prepare(
            `INSERT OR IGNORE INTO webhook_deliveries (delivery_id, webhook_id, user_id, event_id, status, attempt, attempts_left, next_attempt_at, created_at)
             SELECT lower(hex(randomblob(16))), w.webhook_id, w.user_id, e.event_id, 'PENDING', 0, ?4, ?5, ?5
             FROM business_events e JOIN webhook_endpoints w ON w.user_id = e.user_id AND w.deleted_at IS NULL
             WHERE e.user_id = ?1 AND e.type = ?2 AND e.business_id = ?3 AND e.event_id = ?6
               AND EXISTS (SELECT 1 FROM json_each(w.events) j WHERE j.value = e.type)
             RETURNING delivery_id`,
          )
          .bind(...key, maxWebhookAttempts(env), now, eventId),
      ],
    };
  });
  const results = await db.batch<{ event_id?: string; delivery_id?: string }>(prepared.flatMap((p) => p.statements));
  const fresh = prepared.filter((_, i) => (results[i * 3]?.results.length ?? 0) > 0);
  if (fresh.length === 0) return;
  const deliveries = prepared.flatMap((_, i) => results[i * 3 + 2]?.results.map((r) => String(r.delivery_id)) ?? []);
  await Promise.allSettled([pushLive(env, fresh), enqueueDeliveries(env, deliveries)]).then((settled) => {
    for (const s of settled)
      if (s.status === "rejected") console.error(JSON.stringify({ msg: "event fan-out failed", error: String(s.reason) }));
  });
}

async function pushLive(env: Env, fresh: { input: BusinessEventInput; event: BusinessEvent; notification: Notification }[]) {
  const byUser = new Map<string, string[]>();
  for (const { input, event, notification } of fresh) {
    const messages = byUser.get(input.userId) ?? [];
    messages.push(JSON.stringify({ type: "event", event }), JSON.stringify({ type: "notification", notification }));
    byUser.set(input.userId, messages);
  }
  await Promise.all([...byUser].map(([userId, messages]) => userLiveFor(env, userId).push(messages)));
}

/** Puts each delivery on the webhook queue (one message each, so one slow receiver holds up no other). */
export async function enqueueDeliveries(env: Env, deliveryIds: readonly string[], delaySeconds = 0): Promise<void> {
  for (let i = 0; i < deliveryIds.length; i += 100) {
    await env.WEBHOOK_DELIVERIES.sendBatch(
      deliveryIds.slice(i, i + 100).map((delivery_id) => ({ body: { delivery_id }, contentType: "json" as const, delaySeconds })),
    );
  }
}

/** Cron work: drop events and notifications past retention, and re-send deliveries whose message was lost. */
export async function sweepBusinessEvents(env: Env): Promise<{ pruned: number; resent: number }> {
  const now = await clockNow(env);
  const cutoff = new Date(now.getTime() - RETENTION_DAYS * DAY_MS).toISOString();
  const stale = new Date(now.getTime() - 5 * 60_000).toISOString();
  const db = env.DB;
  const [events] = await db.batch([
    db.prepare("DELETE FROM business_events WHERE created_at < ?1").bind(cutoff),
    db.prepare("DELETE FROM notifications WHERE created_at < ?1").bind(cutoff),
    db.prepare("DELETE FROM webhook_deliveries WHERE created_at < ?1").bind(cutoff),
  ]);
  const lost = await db
    .prepare(
      "UPDATE webhook_deliveries SET next_attempt_at = ?2 WHERE delivery_id IN (SELECT delivery_id FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at < ?1 LIMIT 100) RETURNING delivery_id",
    )
    .bind(stale, now.toISOString())
    .all<{ delivery_id: string }>();
  await enqueueDeliveries(
    env,
    lost.results.map((r) => r.delivery_id),
  );
  return { pruned: events?.meta.changes ?? 0, resent: lost.results.length };
}
