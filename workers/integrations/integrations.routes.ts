import { z } from "@hono/zod-openapi";
import { API_KEY_SCOPES } from "../lib/api-keys";
import { IdParam, jsonResponse, PageQuery } from "../lib/app";
import { BUSINESS_EVENT_TYPES } from "../lib/business-events";
import { userRoute } from "../lib/routes";
import { textSchema } from "../lib/text";

const eventsTags = ["Events"];
const webhookTags = ["Webhooks"];
const notificationTags = ["Notifications"];
const keyTags = ["API keys"];

export const BusinessEventSchema = z
  .object({
    event_id: z.string(),
    type: z.enum(BUSINESS_EVENT_TYPES),
    created_at: z.string(),
    data: z.record(z.string(), z.unknown()).openapi({ description: "The resource as its route returns it" }),
  })
  .openapi("BusinessEvent");

export const listEvents = userRoute({
  method: "get",
  path: "/events",
  operationId: "listEvents",
  tags: eventsTags,
  summary: "The caller's business events of the last 30 days, newest first",
  request: { query: PageQuery.extend({ type: z.enum(BUSINESS_EVENT_TYPES).optional() }) },
  responses: { 200: jsonResponse(z.object({ events: z.array(BusinessEventSchema), next_cursor: z.string().nullable() }), "One page") },
});

export const WebhookSchema = z
  .object({
    webhook_id: z.string(),
    url: z.string(),
    events: z.array(z.enum(BUSINESS_EVENT_TYPES)),
    description: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Webhook");

export const DeliverySchema = z
  .object({
    delivery_id: z.string(),
    event_id: z.string().openapi({ description: "Also the `webhook-id` header of every attempt" }),
    status: z.enum(["PENDING", "DELIVERED", "FAILED"]),
    attempt: z.number().int().openapi({ description: "Attempts made so far" }),
    status_code: z.number().int().nullable().openapi({ description: "The HTTP status of the last attempt (null: no answer)" }),
    error: z.string().nullable(),
    delivered_at: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
  })
  .openapi("WebhookDelivery");

const WebhookParam = IdParam("webhook_id");

export const createWebhook = userRoute({
  method: "post",
  path: "/webhooks",
  operationId: "createWebhook",
  tags: webhookTags,
  summary: "Add a webhook endpoint (the signing secret is shown once)",
  description:
    "Deliveries follow Standard Webhooks: `webhook-id` (the event id), `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>` " +
    "keyed by the decoded `whsec_` secret. The URL must be https and not point at a private, loopback, link-local or metadata address.",
  body: z.strictObject({
    url: z.string().min(1).max(2000),
    events: z.array(z.enum(BUSINESS_EVENT_TYPES)).min(1).max(BUSINESS_EVENT_TYPES.length),
    description: textSchema().optional(),
  }),
  responses: {
    201: jsonResponse(
      z.object({ webhook: WebhookSchema, secret: z.string().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }) }),
      "Created",
    ),
  },
});

export const listWebhooks = userRoute({
  method: "get",
  path: "/webhooks",
  operationId: "listWebhooks",
  tags: webhookTags,
  summary: "The caller's webhook endpoints",
  responses: { 200: jsonResponse(z.object({ webhooks: z.array(WebhookSchema) }), "Every endpoint") },
});

export const deleteWebhook = userRoute({
  method: "delete",
  path: "/webhooks/{webhook_id}",
  operationId: "deleteWebhook",
  tags: webhookTags,
  summary: "Remove a webhook endpoint (its pending deliveries are not sent)",
  request: { params: WebhookParam },
  responses: { 204: { description: "Removed" } },
  errors: ["NOT_FOUND"],
});

export const listDeliveries = userRoute({
  method: "get",
  path: "/webhooks/{webhook_id}/deliveries",
  operationId: "listWebhookDeliveries",
  tags: webhookTags,
  summary: "The delivery log of one endpoint, newest first",
  request: { params: WebhookParam, query: PageQuery },
  responses: { 200: jsonResponse(z.object({ deliveries: z.array(DeliverySchema), next_cursor: z.string().nullable() }), "One page") },
  errors: ["NOT_FOUND"],
});

export const retryDelivery = userRoute({
  method: "post",
  path: "/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
  operationId: "retryWebhookDelivery",
  tags: webhookTags,
  summary: "Send a failed (or delivered) delivery again, with a fresh set of attempts",
  request: { params: WebhookParam.merge(IdParam("delivery_id")) },
  responses: { 202: jsonResponse(z.object({ delivery: DeliverySchema }), "Queued") },
  errors: ["NOT_FOUND", "INVALID_STATE"],
});

export const NotificationSchema = z
  .object({
    notification_id: z.string(),
    event_id: z.string(),
    title: z.string(),
    body: z.string(),
    read: z.boolean(),
    created_at: z.string(),
  })
  .openapi("Notification");

export const listNotifications = userRoute({
  method: "get",
  path: "/notifications",
  operationId: "listNotifications",
  tags: notificationTags,
  summary: "The caller's notifications, newest first",
  request: {
    query: PageQuery.extend({
      unread: z.enum(["true", "false"]).optional().openapi({ description: "`true`: only unread ones" }),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ notifications: z.array(NotificationSchema), next_cursor: z.string().nullable(), unread_count: z.number().int() }),
      "One page, and how many are unread in all",
    ),
  },
});

export const markRead = userRoute({
  method: "post",
  path: "/notifications/read",
  operationId: "markNotificationsRead",
  tags: notificationTags,
  summary: "Mark notifications read (these, or all without `notification_ids`)",
  body: z.strictObject({ notification_ids: z.array(z.string().min(1).max(100)).min(1).max(100).optional() }),
  bodyOptional: true,
  responses: { 204: { description: "Marked" } },
});

export const live = userRoute({
  method: "get",
  path: "/live",
  operationId: "streamUser",
  tags: notificationTags,
  summary: "The caller's live feed over a WebSocket (every wallet)",
  description:
    'Upgrade to a WebSocket (bearer token or session cookie). The server sends `{"type":"hello"}` on connect, then ' +
    '`{"type":"event","event":BusinessEvent}` and `{"type":"notification","notification":Notification}` for every business event. ' +
    'Send `ping` to get `{"type":"pong"}`. A cookie upgrade must come from the API\'s own origin or one in CORS_ORIGINS (403). ' +
    "The socket is closed with code 4001 when its session is revoked or its token expires. At most 20 sockets per user (429).",
  // A plain GET without `Upgrade: websocket` is a 400.
  responses: { 101: { description: "Switching protocols" } },
  errors: ["VALIDATION_ERROR", "FORBIDDEN", "RATE_LIMITED"],
});

export const ApiKeySchema = z
  .object({
    api_key_id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The secret's first characters, to tell keys apart" }),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

export const createApiKey = userRoute({
  method: "post",
  path: "/api-keys",
  operationId: "createApiKey",
  tags: keyTags,
  summary: "Create an API key (the `sk_` secret is shown once)",
  description: "Only a session (not another API key) may manage API keys. A key never reaches admin routes.",
  body: z.strictObject({ name: textSchema({ max: 100 }), scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length) }),
  responses: { 201: jsonResponse(z.object({ api_key: ApiKeySchema, secret: z.string() }), "Created") },
});

export const listApiKeys = userRoute({
  method: "get",
  path: "/api-keys",
  operationId: "listApiKeys",
  tags: keyTags,
  summary: "The caller's API keys (never their secrets)",
  responses: { 200: jsonResponse(z.object({ api_keys: z.array(ApiKeySchema) }), "Every key, revoked ones too") },
});

export const revokeApiKey = userRoute({
  method: "delete",
  path: "/api-keys/{api_key_id}",
  operationId: "revokeApiKey",
  tags: keyTags,
  summary: "Revoke an API key (refused at once on every route)",
  request: { params: IdParam("api_key_id") },
  responses: { 204: { description: "Revoked" } },
  errors: ["NOT_FOUND"],
});
