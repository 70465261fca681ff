/**
 * The user's live feed (`GET /v1/live`): every business event and notification of every wallet,
 * pushed. A payment's or repayment's terminal status is written straight into the cache (the event
 * carries the resource as its route returns it), and the families it touches are invalidated, so
 * nothing polls. Reconnects with the wallet feed's backoff and refetches what may have been missed.
 */
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { queryKeys } from "./keys";
import { backoffDelay } from "./live";

const KEEPALIVE_MS = 25_000;

type FeedEvent = { event_id: string; type: string; created_at: string; data: Record<string, unknown> };
type FeedMessage = { type: "event"; event: FeedEvent } | { type: "notification" } | { type: "hello" };

export function userLiveUrl(location: Pick<Location, "protocol" | "host">): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/v1/live`;
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
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let keepalive: ReturnType<typeof setInterval> | undefined;
    let attempt = 0;
    let everConnected = false;
    let stopped = false;

    const connect = () => {
      clearTimeout(timer);
      const current = new WebSocket(userLiveUrl(window.location));
      socket = current;
      current.onopen = () => {
        attempt = 0;
        clearInterval(keepalive);
        keepalive = setInterval(() => current.send("ping"), KEEPALIVE_MS);
        if (everConnected) refreshAfter(client, null);
        everConnected = true;
      };
      current.onmessage = (message) => {
        const parsed = parse(message.data);
        if (parsed?.type === "event") refreshAfter(client, parsed.event);
        else if (parsed?.type === "notification") void client.invalidateQueries({ queryKey: queryKeys.notifications });
      };
      current.onerror = () => current.close();
      current.onclose = () => {
        clearInterval(keepalive);
        if (socket === current) socket = null;
        if (stopped) return;
        timer = setTimeout(connect, backoffDelay(attempt++));
      };
    };
    const wake = () => {
      if (stopped || socket || document.visibilityState === "hidden") return;
      attempt = 0;
      connect();
    };
    connect();
    window.addEventListener("online", wake);
    document.addEventListener("visibilitychange", wake);
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(keepalive);
      window.removeEventListener("online", wake);
      document.removeEventListener("visibilitychange", wake);
      socket?.close(1000, "navigated away");
    };
  }, [enabled, client]);
}
