import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, body } from "../client";
import { queryKeys } from "../keys";
import type { components } from "../schema";

export type ApiKeyScope = components["schemas"]["ApiKey"]["scopes"][number];
export type BusinessEventType = components["schemas"]["Webhook"]["events"][number];

/** The latest notifications and the unread count; refreshed by the user's live feed (no polling). */
export function useNotifications() {
  return useQuery({
    queryKey: queryKeys.notifications,
    queryFn: () => body(api.GET("/v1/notifications", { params: { query: { limit: 20 } } })),
  });
}

export function useMarkNotificationsRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await api.POST("/v1/notifications/read", { body: {} });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}

export function useApiKeys() {
  return useQuery({ queryKey: queryKeys.apiKeys, queryFn: async () => (await body(api.GET("/v1/api-keys"))).api_keys });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scopes: ApiKeyScope[] }) => body(api.POST("/v1/api-keys", { body: input })),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.apiKeys }),
    meta: { failure: "Could not create the key" },
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (apiKeyId: string) => {
      await api.DELETE("/v1/api-keys/{api_key_id}", { params: { path: { api_key_id: apiKeyId } } });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.apiKeys }),
    meta: { success: "Key revoked", failure: "Could not revoke the key" },
  });
}

export function useWebhooks() {
  return useQuery({ queryKey: queryKeys.webhooks, queryFn: async () => (await body(api.GET("/v1/webhooks"))).webhooks });
}

export function useCreateWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { url: string; events: BusinessEventType[] }) => body(api.POST("/v1/webhooks", { body: input })),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.webhooks }),
    meta: { failure: "Could not add the endpoint" },
  });
}

export function useDeleteWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (webhookId: string) => {
      await api.DELETE("/v1/webhooks/{webhook_id}", { params: { path: { webhook_id: webhookId } } });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.webhooks }),
    meta: { success: "Endpoint removed", failure: "Could not remove the endpoint" },
  });
}

export function useDeliveries(webhookId: string) {
  return useQuery({
    queryKey: queryKeys.deliveries(webhookId),
    queryFn: async () =>
      (await body(api.GET("/v1/webhooks/{webhook_id}/deliveries", { params: { path: { webhook_id: webhookId }, query: { limit: 20 } } })))
        .deliveries,
  });
}

export function useRetryDelivery(webhookId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      body(
        api.POST("/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", {
          params: { path: { webhook_id: webhookId, delivery_id: deliveryId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.deliveries(webhookId) }),
    meta: { success: "Delivery queued again", failure: "Could not retry the delivery" },
  });
}
