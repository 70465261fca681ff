import { LIVE_EXPIRES_HEADER, LIVE_SESSION_HEADER } from "../../durable-objects/live-sockets";
import { hashApiKey, newApiKeySecret } from "../lib/api-keys";
import type { AppRouteHandler } from "../lib/app";
import { enqueueDeliveries, maxWebhookAttempts, userLiveFor } from "../lib/business-events";
import { clockNow } from "../lib/clock";
import { createDb } from "../lib/db";
import { AppError, invalidState, notFound } from "../lib/errors";
import { decodeCursor, encodeCursor, newId, nowIso } from "../lib/ids";
import { seqBefore, seqCursor } from "../lib/pagination";
import { presentApiKey, presentDelivery, presentEvent, presentNotification, presentWebhook } from "./integrations.presenters";
import * as queries from "./integrations.queries";
import type * as routes from "./integrations.routes";
import { allowLocalWebhooks, webhookUrlProblem } from "./ssrf";
import { sealWebhookSecret } from "./webhook-secrets";

/** Rows of a `seq`-ordered page (one more than asked, to know whether another page follows). */
function seqPage<T extends { seq: number }>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  return { page, next: rows.length > limit ? seqCursor(page[page.length - 1]?.seq ?? null) : null };
}

export const listEvents: AppRouteHandler<typeof routes.listEvents> = async (c) => {
  const { limit, cursor, type } = c.req.valid("query");
  const before = seqBefore(cursor) ?? Number.MAX_SAFE_INTEGER;
  const rows = await queries.listEvents(createDb(c.env.DB), c.get("user").user_id, { before, type, limit });
  const { page, next } = seqPage(rows, limit);
  return c.json({ events: page.map(presentEvent), next_cursor: next }, 200);
};

const WHSEC_BYTES = 24;

export const createWebhook: AppRouteHandler<typeof routes.createWebhook> = async (c) => {
  const { url, events, description } = c.req.valid("json");
  const problem = webhookUrlProblem(url, allowLocalWebhooks(c.env));
  if (problem) throw new AppError("VALIDATION_ERROR", "The webhook URL is not allowed", [{ path: "url", message: problem }]);
  const secret = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(WHSEC_BYTES))))}`;
  const row: queries.WebhookRow = {
    webhook_id: newId(),
    url,
    events: JSON.stringify([...new Set(events)]),
    description: description ?? null,
    created_at: nowIso(),
  };
  const sealed = await sealWebhookSecret(c.env, row.webhook_id, secret);
  await queries.insertWebhook(createDb(c.env.DB), c.get("user").user_id, row, sealed);
  return c.json({ webhook: presentWebhook(row), secret }, 201);
};

export const listWebhooks: AppRouteHandler<typeof routes.listWebhooks> = async (c) => {
  const rows = await queries.listWebhooks(createDb(c.env.DB), c.get("user").user_id);
  return c.json({ webhooks: rows.map(presentWebhook) }, 200);
};

export const deleteWebhook: AppRouteHandler<typeof routes.deleteWebhook> = async (c) => {
  const { webhook_id } = c.req.valid("param");
  const deleted = await queries.deleteWebhook(createDb(c.env.DB), c.get("user").user_id, webhook_id, nowIso());
  if (!deleted) throw notFound("Webhook");
  return c.body(null, 204);
};

export const listDeliveries: AppRouteHandler<typeof routes.listDeliveries> = async (c) => {
  const { webhook_id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const db = createDb(c.env.DB);
  await queries.assertOwnWebhook(db, c.get("user").user_id, webhook_id);
  const after = cursor === undefined ? undefined : (decodeCursor(cursor) as { t?: unknown; i?: unknown } | undefined);
  if (after !== undefined && (typeof after?.t !== "string" || typeof after.i !== "string")) {
    throw new AppError("VALIDATION_ERROR", "The cursor is invalid", [{ path: "cursor", message: "invalid cursor" }]);
  }
  const rows = await queries.listDeliveries(db, webhook_id, { after: after as { t: string; i: string } | undefined, limit });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? encodeCursor({ t: last.created_at, i: last.delivery_id }) : null;
  return c.json({ deliveries: page.map(presentDelivery), next_cursor: next }, 200);
};

export const retryDelivery: AppRouteHandler<typeof routes.retryDelivery> = async (c) => {
  const { webhook_id, delivery_id } = c.req.valid("param");
  const userId = c.get("user").user_id;
  const db = createDb(c.env.DB);
  await queries.assertOwnWebhook(db, userId, webhook_id);
  const now = (await clockNow(c.env)).toISOString();
  const row = await queries.retryDelivery(db, userId, {
    webhookId: webhook_id,
    deliveryId: delivery_id,
    attemptsLeft: maxWebhookAttempts(c.env),
    now,
  });
  if (!row) {
    if (!(await queries.deliveryExists(db, webhook_id, delivery_id))) throw notFound("Delivery");
    throw invalidState("The delivery is already pending");
  }
  await enqueueDeliveries(c.env, [delivery_id]);
  return c.json({ delivery: presentDelivery(row) }, 202);
};

export const listNotifications: AppRouteHandler<typeof routes.listNotifications> = async (c) => {
  const { limit, cursor, unread } = c.req.valid("query");
  const before = seqBefore(cursor) ?? Number.MAX_SAFE_INTEGER;
  const { rows, unreadCount } = await queries.listNotifications(createDb(c.env.DB), c.get("user").user_id, {
    before,
    unreadOnly: unread === "true",
    limit,
  });
  const { page, next } = seqPage(rows, limit);
  return c.json({ notifications: page.map(presentNotification), next_cursor: next, unread_count: unreadCount }, 200);
};

export const markRead: AppRouteHandler<typeof routes.markRead> = async (c) => {
  const body = c.req.valid("json") as { notification_ids?: string[] } | undefined;
  const userId = c.get("user").user_id;
  const ids = body?.notification_ids;
  const now = nowIso();
  const db = createDb(c.env.DB);
  if (ids === undefined) await queries.markAllNotificationsRead(db, userId, now);
  else await queries.markNotificationsRead(db, userId, ids, now);
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
  const row: queries.ApiKeyRow = {
    api_key_id: newId(),
    name,
    prefix: secret.slice(0, 10),
    scopes: JSON.stringify([...new Set(scopes)]),
    created_at: nowIso(),
    last_used_at: null,
    revoked_at: null,
  };
  await queries.insertApiKey(createDb(c.env.DB), c.get("user").user_id, row, await hashApiKey(secret));
  return c.json({ api_key: presentApiKey(row), secret }, 201);
};

export const listApiKeys: AppRouteHandler<typeof routes.listApiKeys> = async (c) => {
  const rows = await queries.listApiKeys(createDb(c.env.DB), c.get("user").user_id);
  return c.json({ api_keys: rows.map(presentApiKey) }, 200);
};

export const revokeApiKey: AppRouteHandler<typeof routes.revokeApiKey> = async (c) => {
  const revoked = await queries.revokeApiKey(createDb(c.env.DB), c.get("user").user_id, c.req.valid("param").api_key_id, nowIso());
  if (!revoked) throw notFound("API key");
  return c.body(null, 204);
};
