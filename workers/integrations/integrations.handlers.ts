import { LIVE_EXPIRES_HEADER, LIVE_SESSION_HEADER } from "../../durable-objects/live-sockets";
import { hashApiKey, newApiKeySecret } from "../lib/api-keys";
import type { AppRouteHandler } from "../lib/app";
import { enqueueDeliveries, maxWebhookAttempts, userLiveFor } from "../lib/business-events";
import { clockNow } from "../lib/clock";
import { AppError, invalidState, notFound } from "../lib/errors";
import { decodeCursor, encodeCursor, newId, nowIso } from "../lib/ids";
import { seqBefore, seqCursor } from "../lib/pagination";
import type * as routes from "./integrations.routes";
import { allowLocalWebhooks, webhookUrlProblem } from "./ssrf";
import { sealWebhookSecret } from "./webhook-secrets";

type EventRow = { seq: number; event_id: string; type: string; data: string; created_at: string };
type NotificationRow = {
  seq: number;
  notification_id: string;
  event_id: string;
  title: string;
  body: string;
  read_at: string | null;
  created_at: string;
};
type WebhookRow = { webhook_id: string; url: string; events: string; description: string | null; created_at: string };
type DeliveryRow = {
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
type ApiKeyRow = {
  api_key_id: string;
  name: string;
  prefix: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
};

const presentEvent = (r: EventRow) => ({ event_id: r.event_id, type: r.type, created_at: r.created_at, data: JSON.parse(r.data) });
const presentNotification = (r: NotificationRow) => ({
  notification_id: r.notification_id,
  event_id: r.event_id,
  title: r.title,
  body: r.body,
  read: r.read_at !== null,
  created_at: r.created_at,
});
const presentWebhook = (r: WebhookRow) => ({
  webhook_id: r.webhook_id,
  url: r.url,
  events: JSON.parse(r.events),
  description: r.description,
  created_at: r.created_at,
});
const presentDelivery = (r: DeliveryRow) => ({
  delivery_id: r.delivery_id,
  event_id: r.event_id,
  status: r.status,
  attempt: r.attempt,
  status_code: r.status_code,
  error: r.error,
  delivered_at: r.delivered_at,
  next_attempt_at: r.next_attempt_at,
});
const presentApiKey = (r: ApiKeyRow) => ({
  api_key_id: r.api_key_id,
  name: r.name,
  prefix: r.prefix,
  scopes: JSON.parse(r.scopes),
  created_at: r.created_at,
  last_used_at: r.last_used_at,
  revoked_at: r.revoked_at,
});

/** Rows of a `seq`-ordered page (one more than asked, to know whether another page follows). */
function seqPage<T extends { seq: number }>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  return { page, next: rows.length > limit ? seqCursor(page[page.length - 1]?.seq ?? null) : null };
}

export const listEvents: AppRouteHandler<typeof routes.listEvents> = async (c) => {
  const { limit, cursor, type } = c.req.valid("query");
  const before = seqBefore(cursor) ?? Number.MAX_SAFE_INTEGER;
  const { results } = await c.env.DB.prepare(
    `SELECT seq, event_id, type, data, created_at FROM business_events
     WHERE user_id = ?1 AND seq < ?2 AND (?3 IS NULL OR type = ?3) ORDER BY seq DESC LIMIT ?4`,
  )
    .bind(c.get("user").user_id, before, type ?? null, limit + 1)
    .all<EventRow>();
  const { page, next } = seqPage(results, limit);
  return c.json({ events: page.map(presentEvent), next_cursor: next }, 200);
};

const WHSEC_BYTES = 24;

export const createWebhook: AppRouteHandler<typeof routes.createWebhook> = async (c) => {
  const { url, events, description } = c.req.valid("json");
  const problem = webhookUrlProblem(url, allowLocalWebhooks(c.env));
  if (problem) throw new AppError("VALIDATION_ERROR", "The webhook URL is not allowed", [{ path: "url", message: problem }]);
  const secret = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(WHSEC_BYTES))))}`;
  const row: WebhookRow = {
    webhook_id: newId(),
    url,
    events: JSON.stringify([...new Set(events)]),
    description: description ?? null,
    created_at: nowIso(),
  };
  await c.env.DB.prepare(
    "INSERT INTO webhook_endpoints (webhook_id, user_id, url, events, description, secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      row.webhook_id,
      c.get("user").user_id,
      row.url,
      row.events,
      row.description,
      await sealWebhookSecret(c.env, row.webhook_id, secret),
      row.created_at,
    )
    .run();
  return c.json({ webhook: presentWebhook(row), secret }, 201);
};

export const listWebhooks: AppRouteHandler<typeof routes.listWebhooks> = async (c) => {
  const { results } = await c.env.DB.prepare(
    "SELECT webhook_id, url, events, description, created_at FROM webhook_endpoints WHERE user_id = ? AND deleted_at IS NULL ORDER BY created_at DESC",
  )
    .bind(c.get("user").user_id)
    .all<WebhookRow>();
  return c.json({ webhooks: results.map(presentWebhook) }, 200);
};

async function ownWebhook(c: { env: Env }, userId: string, webhookId: string): Promise<void> {
  const found = await c.env.DB.prepare("SELECT 1 AS ok FROM webhook_endpoints WHERE webhook_id = ? AND user_id = ? AND deleted_at IS NULL")
    .bind(webhookId, userId)
    .first();
  if (!found) throw notFound("Webhook");
}

export const deleteWebhook: AppRouteHandler<typeof routes.deleteWebhook> = async (c) => {
  const { webhook_id } = c.req.valid("param");
  const res = await c.env.DB.prepare(
    "UPDATE webhook_endpoints SET deleted_at = ? WHERE webhook_id = ? AND user_id = ? AND deleted_at IS NULL",
  )
    .bind(nowIso(), webhook_id, c.get("user").user_id)
    .run();
  if (res.meta.changes === 0) throw notFound("Webhook");
  return c.body(null, 204);
};

export const listDeliveries: AppRouteHandler<typeof routes.listDeliveries> = async (c) => {
  const { webhook_id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  await ownWebhook(c, c.get("user").user_id, webhook_id);
  const after = cursor === undefined ? undefined : (decodeCursor(cursor) as { t?: unknown; i?: unknown } | undefined);
  if (after !== undefined && (typeof after?.t !== "string" || typeof after.i !== "string")) {
    throw new AppError("VALIDATION_ERROR", "The cursor is invalid", [{ path: "cursor", message: "invalid cursor" }]);
  }
  const { results } = await c.env.DB.prepare(
    `SELECT delivery_id, event_id, status, attempt, status_code, error, delivered_at, next_attempt_at, created_at FROM webhook_deliveries
     WHERE webhook_id = ?1 AND (?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND delivery_id < ?3))
     ORDER BY created_at DESC, delivery_id DESC LIMIT ?4`,
  )
    .bind(webhook_id, after?.t ?? null, after?.i ?? null, limit + 1)
    .all<DeliveryRow>();
  const page = results.slice(0, limit);
  const last = page[page.length - 1];
  const next = results.length > limit && last ? encodeCursor({ t: last.created_at, i: last.delivery_id }) : null;
  return c.json({ deliveries: page.map(presentDelivery), next_cursor: next }, 200);
};

export const retryDelivery: AppRouteHandler<typeof routes.retryDelivery> = async (c) => {
  const { webhook_id, delivery_id } = c.req.valid("param");
  const userId = c.get("user").user_id;
  await ownWebhook(c, userId, webhook_id);
  const now = (await clockNow(c.env)).toISOString();
  const row = await c.env.DB.prepare(
    `UPDATE webhook_deliveries SET status = 'PENDING', attempts_left = ?4, error = NULL, next_attempt_at = ?5
     WHERE delivery_id = ?1 AND webhook_id = ?2 AND user_id = ?3 AND status <> 'PENDING'
     RETURNING delivery_id, event_id, status, attempt, status_code, error, delivered_at, next_attempt_at, created_at`,
  )
    .bind(delivery_id, webhook_id, userId, maxWebhookAttempts(c.env), now)
    .first<DeliveryRow>();
  if (!row) {
    const exists = await c.env.DB.prepare("SELECT 1 AS ok FROM webhook_deliveries WHERE delivery_id = ? AND webhook_id = ?")
      .bind(delivery_id, webhook_id)
      .first();
    if (!exists) throw notFound("Delivery");
    throw invalidState("The delivery is already pending");
  }
  await enqueueDeliveries(c.env, [delivery_id]);
  return c.json({ delivery: presentDelivery(row) }, 202);
};

export const listNotifications: AppRouteHandler<typeof routes.listNotifications> = async (c) => {
  const { limit, cursor, unread } = c.req.valid("query");
  const userId = c.get("user").user_id;
  const before = seqBefore(cursor) ?? Number.MAX_SAFE_INTEGER;
  const db = c.env.DB;
  const [rows, count] = await db.batch([
    db
      .prepare(
        `SELECT seq, notification_id, event_id, title, body, read_at, created_at FROM notifications
         WHERE user_id = ?1 AND seq < ?2 AND (?3 = 0 OR read_at IS NULL) ORDER BY seq DESC LIMIT ?4`,
      )
      .bind(userId, before, unread === "true" ? 1 : 0, limit + 1),
    db.prepare("SELECT count(*) AS unread FROM notifications WHERE user_id = ? AND read_at IS NULL").bind(userId),
  ]);
  const { page, next } = seqPage((rows?.results ?? []) as NotificationRow[], limit);
  const unreadCount = Number((count?.results[0] as { unread?: number } | undefined)?.unread ?? 0);
  return c.json({ notifications: page.map(presentNotification), next_cursor: next, unread_count: unreadCount }, 200);
};

export const markRead: AppRouteHandler<typeof routes.markRead> = async (c) => {
  const body = c.req.valid("json") as { notification_ids?: string[] } | undefined;
  const userId = c.get("user").user_id;
  const ids = body?.notification_ids;
  const now = nowIso();
  if (ids === undefined) {
    await c.env.DB.prepare("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL").bind(now, userId).run();
  } else {
    await c.env.DB.prepare(
      `UPDATE notifications SET read_at = ?1 WHERE user_id = ?2 AND read_at IS NULL AND notification_id IN (SELECT value FROM json_each(?3))`,
    )
      .bind(now, userId, JSON.stringify(ids))
      .run();
  }
  return c.body(null, 204);
};

export const live: AppRouteHandler<typeof routes.live> = async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new AppError("VALIDATION_ERROR", "Expected a WebSocket upgrade", [
      { path: "(headers)", message: "Upgrade: websocket is required" },
    ]);
  }
  const user = c.get("user");
  const headers = new Headers(c.req.raw.headers);
  headers.set(LIVE_SESSION_HEADER, user.session_id);
  headers.set(LIVE_EXPIRES_HEADER, String(user.token_expires_at * 1000));
  const res = (await userLiveFor(c.env, user.user_id).fetch(new Request(c.req.raw, { headers }))) as unknown as Response;
  if (res.status === 429) {
    throw new AppError("RATE_LIMITED", "Too many live connections are open; close one and retry", [], { "Retry-After": "30" });
  }
  return res;
};

export const createApiKey: AppRouteHandler<typeof routes.createApiKey> = async (c) => {
  const { name, scopes } = c.req.valid("json");
  const secret = newApiKeySecret();
  const row: ApiKeyRow = {
    api_key_id: newId(),
    name,
    prefix: secret.slice(0, 10),
    scopes: JSON.stringify([...new Set(scopes)]),
    created_at: nowIso(),
    last_used_at: null,
    revoked_at: null,
  };
  await c.env.DB.prepare(
    "INSERT INTO api_keys (api_key_id, user_id, name, prefix, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(row.api_key_id, c.get("user").user_id, row.name, row.prefix, await hashApiKey(secret), row.scopes, row.created_at)
    .run();
  return c.json({ api_key: presentApiKey(row), secret }, 201);
};

export const listApiKeys: AppRouteHandler<typeof routes.listApiKeys> = async (c) => {
  const { results } = await c.env.DB.prepare(
    "SELECT api_key_id, name, prefix, scopes, created_at, last_used_at, revoked_at FROM api_keys WHERE user_id = ? ORDER BY created_at DESC",
  )
    .bind(c.get("user").user_id)
    .all<ApiKeyRow>();
  return c.json({ api_keys: results.map(presentApiKey) }, 200);
};

export const revokeApiKey: AppRouteHandler<typeof routes.revokeApiKey> = async (c) => {
  const res = await c.env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE api_key_id = ? AND user_id = ? AND revoked_at IS NULL")
    .bind(nowIso(), c.req.valid("param").api_key_id, c.get("user").user_id)
    .run();
  if (res.meta.changes === 0) throw notFound("API key");
  return c.body(null, 204);
};
