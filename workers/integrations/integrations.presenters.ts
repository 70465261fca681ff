import type { ApiKeyRow, DeliveryRow, EventRow, NotificationRow, WebhookRow } from "./integrations.queries";

export const presentEvent = (r: EventRow) => ({ event_id: r.event_id, type: r.type, created_at: r.created_at, data: JSON.parse(r.data) });

export const presentNotification = (r: NotificationRow) => ({
  notification_id: r.notification_id,
  event_id: r.event_id,
  title: r.title,
  body: r.body,
  read: r.read_at !== null,
  created_at: r.created_at,
});

export const presentWebhook = (r: WebhookRow) => ({
  webhook_id: r.webhook_id,
  url: r.url,
  events: JSON.parse(r.events),
  description: r.description,
  created_at: r.created_at,
});

export const presentDelivery = (r: DeliveryRow) => ({
  delivery_id: r.delivery_id,
  event_id: r.event_id,
  status: r.status,
  attempt: r.attempt,
  status_code: r.status_code,
  error: r.error,
  delivered_at: r.delivered_at,
  next_attempt_at: r.next_attempt_at,
});

export const presentApiKey = (r: ApiKeyRow) => ({
  api_key_id: r.api_key_id,
  name: r.name,
  prefix: r.prefix,
  scopes: JSON.parse(r.scopes),
  created_at: r.created_at,
  last_used_at: r.last_used_at,
  revoked_at: r.revoked_at,
});
