import type { Db } from "../lib/db";
import { notFound } from "../lib/errors";

export type EventRow = { seq: number; event_id: string; type: string; data: string; created_at: string };
export type NotificationRow = {
  seq: number;
  notification_id: string;
  event_id: string;
  title: string;
  body: string;
  read_at: string | null;
  created_at: string;
};
export type WebhookRow = { webhook_id: string; url: string; events: string; description: string | null; created_at: string };
export type DeliveryRow = {
  delivery_id: string;
  event_id: string;
  status: "PENDING" | "DELIVERED" | "FAILED";
  attempt: number;
  status_code: number | null;
  error: string | null;
  delivered_at: string | null;
  next_attempt_at: string | null;
  created_at: string;
};
export type ApiKeyRow = {
  api_key_id: string;
  name: string;
  prefix: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
};

// ---- business events

/** The user's events before `before` (a seq), newest first, optionally of one type: up to `limit` + 1 rows. */
export async function listEvents(
  db: Db,
  userId: string,
  { before, type, limit }: { before: number; type: string | undefined; limit: number },
): Promise<EventRow[]> {
  const { results } = await db.$client
    .prepare(
      `SELECT seq, event_id, type, data, created_at FROM business_events
     WHERE user_id = ?1 AND seq < ?2 AND (?3 IS NULL OR type = ?3) ORDER BY seq DESC LIMIT ?4`,
    )
    .bind(userId, before, type ?? null, limit + 1)
    .all<EventRow>();
  return results;
}

// ---- webhook endpoints

/** Registers an endpoint of the user's; `sealedSecret` is its signing secret as stored (webhook-secrets.ts). */
export async function insertWebhook(db: Db, userId: string, row: WebhookRow, sealedSecret: string): Promise<void> {
  await db.$client
    .prepare(
      "INSERT INTO webhook_endpoints (webhook_id, user_id, url, events, description, secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(row.webhook_id, userId, row.url, row.events, row.description, sealedSecret, row.created_at)
    .run();
}

/** The user's endpoints that are not deleted, newest first. */
export async function listWebhooks(db: Db, userId: string): Promise<WebhookRow[]> {
  const { results } = await db.$client
    .prepare(
      "SELECT webhook_id, url, events, description, created_at FROM webhook_endpoints WHERE user_id = ? AND deleted_at IS NULL ORDER BY created_at DESC",
    )
    .bind(userId)
    .all<WebhookRow>();
  return results;
}

/** Throws 404 unless `webhookId` is an endpoint of `userId` that is not deleted. */
export async function assertOwnWebhook(db: Db, userId: string, webhookId: string): Promise<void> {
  const found = await db.$client
    .prepare("SELECT 1 AS ok FROM webhook_endpoints WHERE webhook_id = ? AND user_id = ? AND deleted_at IS NULL")
    .bind(webhookId, userId)
    .first();
  if (!found) throw notFound("Webhook");
}

/** Marks one of the user's endpoints deleted; false when there is no such endpoint (or it is deleted already). */
export async function deleteWebhook(db: Db, userId: string, webhookId: string, now: string): Promise<boolean> {
  const res = await db.$client
    .prepare("UPDATE webhook_endpoints SET deleted_at = ? WHERE webhook_id = ? AND user_id = ? AND deleted_at IS NULL")
    .bind(now, webhookId, userId)
    .run();
  return res.meta.changes !== 0;
}

// ---- webhook deliveries

/**
 * An endpoint's deliveries after the keyset cursor `after` (created_at, delivery_id), newest first:
 * up to `limit` + 1 rows. The caller has checked the endpoint is the user's (assertOwnWebhook).
 */
export async function listDeliveries(
  db: Db,
  webhookId: string,
  { after, limit }: { after: { t: string; i: string } | undefined; limit: number },
): Promise<DeliveryRow[]> {
  const { results } = await db.$client
    .prepare(
      `SELECT delivery_id, event_id, status, attempt, status_code, error, delivered_at, next_attempt_at, created_at FROM webhook_deliveries
     WHERE webhook_id = ?1 AND (?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND delivery_id < ?3))
     ORDER BY created_at DESC, delivery_id DESC LIMIT ?4`,
    )
    .bind(webhookId, after?.t ?? null, after?.i ?? null, limit + 1)
    .all<DeliveryRow>();
  return results;
}

/**
 * Puts one of the user's settled deliveries back to PENDING with `attemptsLeft` fresh attempts, due
 * `now`; the row as it is then, or null when there is no such delivery or it is pending already.
 */
export async function retryDelivery(
  db: Db,
  userId: string,
  { webhookId, deliveryId, attemptsLeft, now }: { webhookId: string; deliveryId: string; attemptsLeft: number; now: string },
): Promise<DeliveryRow | null> {
  return db.$client
    .prepare(
      `UPDATE webhook_deliveries SET status = 'PENDING', attempts_left = ?4, error = NULL, next_attempt_at = ?5
     WHERE delivery_id = ?1 AND webhook_id = ?2 AND user_id = ?3 AND status <> 'PENDING'
     RETURNING delivery_id, event_id, status, attempt, status_code, error, delivered_at, next_attempt_at, created_at`,
    )
    .bind(deliveryId, webhookId, userId, attemptsLeft, now)
    .first<DeliveryRow>();
}

/** Whether the endpoint has the delivery. The caller has checked the endpoint is the user's (assertOwnWebhook). */
export async function deliveryExists(db: Db, webhookId: string, deliveryId: string): Promise<boolean> {
  const exists = await db.$client
    .prepare("SELECT 1 AS ok FROM webhook_deliveries WHERE delivery_id = ? AND webhook_id = ?")
    .bind(deliveryId, webhookId)
    .first();
  return Boolean(exists);
}

/** One delivery about to be attempted, with its endpoint and event (null columns when they are gone). */
export type DeliveryAttemptRow = {
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  status: string;
  attempt: number;
  attempts_left: number;
  url: string | null;
  secret: string | null;
  deleted_at: string | null;
  type: string | null;
  data: string | null;
  event_created_at: string | null;
};

/** The queue consumer's read of a delivery (by id: the message names it, no user is involved). */
export function findDeliveryAttempt(db: Db, deliveryId: string): Promise<DeliveryAttemptRow | null> {
  return db.$client
    .prepare(
      `SELECT d.delivery_id, d.webhook_id, d.event_id, d.status, d.attempt, d.attempts_left, w.url, w.secret, w.deleted_at, e.type, e.data, e.created_at AS event_created_at
     FROM webhook_deliveries d LEFT JOIN webhook_endpoints w ON w.webhook_id = d.webhook_id LEFT JOIN business_events e ON e.event_id = d.event_id
     WHERE d.delivery_id = ?1`,
    )
    .bind(deliveryId)
    .first<DeliveryAttemptRow>();
}

/** Settles a delivery that is still PENDING without another attempt. */
export async function settlePendingDelivery(db: Db, deliveryId: string, outcome: { status: "FAILED"; error: string }): Promise<void> {
  await db.$client
    .prepare("UPDATE webhook_deliveries SET status = ?2, error = ?3, next_attempt_at = NULL WHERE delivery_id = ?1 AND status = 'PENDING'")
    .bind(deliveryId, outcome.status, outcome.error)
    .run();
}

/**
 * Records the outcome of attempt `fromAttempt` + 1 of a PENDING delivery, unless another attempt of
 * it settled it meanwhile; true when this one was recorded.
 */
export async function recordDeliveryAttempt(
  db: Db,
  deliveryId: string,
  fromAttempt: number,
  outcome: {
    status: "DELIVERED" | "FAILED" | "PENDING";
    attempt: number;
    attemptsLeft: number;
    statusCode: number | null;
    error: string | null;
    deliveredAt: string | null;
    nextAttemptAt: string | null;
  },
): Promise<boolean> {
  const updated = await db.$client
    .prepare(
      `UPDATE webhook_deliveries SET status = ?3, attempt = ?4, attempts_left = ?5, status_code = ?6, error = ?7, delivered_at = ?8, next_attempt_at = ?9
     WHERE delivery_id = ?1 AND attempt = ?2 AND status = 'PENDING'`,
    )
    .bind(
      deliveryId,
      fromAttempt,
      outcome.status,
      outcome.attempt,
      outcome.attemptsLeft,
      outcome.statusCode,
      outcome.error,
      outcome.deliveredAt,
      outcome.nextAttemptAt,
    )
    .run();
  return updated.meta.changes !== 0;
}

// ---- webhook secrets at rest (webhook-secrets.ts)

/** Up to `limit` endpoints whose secret is still stored in the clear (written before sealing existed). */
export async function listUnsealedWebhookSecrets(db: Db, limit: number): Promise<{ webhook_id: string; secret: string }[]> {
  const { results } = await db.$client
    .prepare("SELECT webhook_id, secret FROM webhook_endpoints WHERE secret NOT LIKE 'v1.%' LIMIT ?1")
    .bind(limit)
    .all<{ webhook_id: string; secret: string }>();
  return results;
}

/** Replaces each clear secret by its sealed form, in one batch; a row whose secret changed meanwhile is left alone. */
export async function storeSealedWebhookSecrets(
  db: Db,
  sealed: { webhookId: string; secret: string; sealedSecret: string }[],
): Promise<void> {
  await db.$client.batch(
    sealed.map(({ webhookId, secret, sealedSecret }) =>
      db.$client
        .prepare("UPDATE webhook_endpoints SET secret = ?1 WHERE webhook_id = ?2 AND secret = ?3")
        .bind(sealedSecret, webhookId, secret),
    ),
  );
}

// ---- notifications

/**
 * The user's notifications before `before` (a seq), newest first, optionally only the unread: up to
 * `limit` + 1 rows, with the user's unread count read in the same batch.
 */
export async function listNotifications(
  db: Db,
  userId: string,
  { before, unreadOnly, limit }: { before: number; unreadOnly: boolean; limit: number },
): Promise<{ rows: NotificationRow[]; unreadCount: number }> {
  const [rows, count] = await db.$client.batch([
    db.$client
      .prepare(
        `SELECT seq, notification_id, event_id, title, body, read_at, created_at FROM notifications
         WHERE user_id = ?1 AND seq < ?2 AND (?3 = 0 OR read_at IS NULL) ORDER BY seq DESC LIMIT ?4`,
      )
      .bind(userId, before, unreadOnly ? 1 : 0, limit + 1),
    db.$client.prepare("SELECT count(*) AS unread FROM notifications WHERE user_id = ? AND read_at IS NULL").bind(userId),
  ]);
  return {
    rows: (rows?.results ?? []) as NotificationRow[],
    unreadCount: Number((count?.results[0] as { unread?: number } | undefined)?.unread ?? 0),
  };
}

/** Marks every unread notification of the user read at `now`. */
export async function markAllNotificationsRead(db: Db, userId: string, now: string): Promise<void> {
  await db.$client.prepare("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL").bind(now, userId).run();
}

/** Marks those of `notificationIds` that are the user's and unread read at `now`. */
export async function markNotificationsRead(db: Db, userId: string, notificationIds: string[], now: string): Promise<void> {
  await db.$client
    .prepare(
      `UPDATE notifications SET read_at = ?1 WHERE user_id = ?2 AND read_at IS NULL AND notification_id IN (SELECT value FROM json_each(?3))`,
    )
    .bind(now, userId, JSON.stringify(notificationIds))
    .run();
}

// ---- API keys

/** Records an API key of the user's; only the secret's hash is stored. */
export async function insertApiKey(db: Db, userId: string, row: ApiKeyRow, secretHash: string): Promise<void> {
  await db.$client
    .prepare("INSERT INTO api_keys (api_key_id, user_id, name, prefix, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(row.api_key_id, userId, row.name, row.prefix, secretHash, row.scopes, row.created_at)
    .run();
}

/** The user's API keys, revoked ones included, newest first. */
export async function listApiKeys(db: Db, userId: string): Promise<ApiKeyRow[]> {
  const { results } = await db.$client
    .prepare(
      "SELECT api_key_id, name, prefix, scopes, created_at, last_used_at, revoked_at FROM api_keys WHERE user_id = ? ORDER BY created_at DESC",
    )
    .bind(userId)
    .all<ApiKeyRow>();
  return results;
}

/** Revokes one of the user's keys at `now`; false when there is no such key (or it is revoked already). */
export async function revokeApiKey(db: Db, userId: string, apiKeyId: string, now: string): Promise<boolean> {
  const res = await db.$client
    .prepare("UPDATE api_keys SET revoked_at = ? WHERE api_key_id = ? AND user_id = ? AND revoked_at IS NULL")
    .bind(now, apiKeyId, userId)
    .run();
  return res.meta.changes !== 0;
}
