/**
 * The user's live feed (`GET /v1/live`): every business event and notification of every wallet,
 * pushed. A payment's or repayment's terminal status is written straight into the cache (the event
 * carries the resource as its route returns it), and the families it touches are invalidated, so
 * nothing polls. Reconnects (socket.ts) and refetches what may have been missed.
 */
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { queryKeys } from "./keys";
import { keepSocketOpen, socketUrl } from "./socket";

type FeedEvent = { event_id: string; type: string; created_at: string; data: Record<string, unknown> };
type FeedMessage = { type: "event"; event: FeedEvent } | { type: "notification" } | { type: "hello" };

export function userLiveUrl(location: Pick<Location, "protocol" | "host">): string {
  return socketUrl("/v1/live", location);
}

function parse(data: unknown): FeedMessage | null {
  if (typeof data !== "string") return null;
  try {
    const message = JSON.parse(data) as { type?: unknown; event?: unknown };
    if (message.type === "event" && typeof message.event === "object" && message.event !== null) return message as FeedMessage;
    if (message.type === "notification" || message.type === "hello") return message as FeedMessage;
  } catch {
    // Not JSON: ignored.
  }
  return null;
}

/** Everything a business event can change on screen. */
function refreshAfter(client: QueryClient, event: FeedEvent | null): void {
  const data = event?.data ?? {};
  if (event?.type.startsWith("payment.") && typeof data.transaction_id === "string") {
    client.setQueryData(queryKeys.payment(data.transaction_id), data);
  }
  const families = [
    queryKeys.payments,
    queryKeys.loans,
    ["repayments"],
    ["transfers"],
    ["transactions"],
    ["goals"],
    queryKeys.notifications,
  ];
  for (const queryKey of families) void client.invalidateQueries({ queryKey });
}

export function useUserLive(enabled: boolean): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    return keepSocketOpen(userLiveUrl(window.location), {
      onOpen: (reconnected) => {
        if (reconnected) refreshAfter(client, null);
      },
      onMessage: (data) => {
        const parsed = parse(data);
        if (parsed?.type === "event") refreshAfter(client, parsed.event);
        else if (parsed?.type === "notification") void client.invalidateQueries({ queryKey: queryKeys.notifications });
      },
    });
  }, [enabled, client]);
}
