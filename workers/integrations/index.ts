import { createRouter } from "../lib/app";
import * as handlers from "./integrations.handlers";
import * as routes from "./integrations.routes";

export const integrationsRouter = createRouter()
  .openapi(routes.listEvents, handlers.listEvents)
  .openapi(routes.createWebhook, handlers.createWebhook)
  .openapi(routes.listWebhooks, handlers.listWebhooks)
  .openapi(routes.deleteWebhook, handlers.deleteWebhook)
  .openapi(routes.listDeliveries, handlers.listDeliveries)
  .openapi(routes.retryDelivery, handlers.retryDelivery)
  .openapi(routes.listNotifications, handlers.listNotifications)
  .openapi(routes.markRead, handlers.markRead)
  .openapi(routes.live, handlers.live)
  .openapi(routes.createApiKey, handlers.createApiKey)
  .openapi(routes.listApiKeys, handlers.listApiKeys)
  .openapi(routes.revokeApiKey, handlers.revokeApiKey);
