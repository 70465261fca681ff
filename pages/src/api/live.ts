/**
 * The wallet's live feed: a same-origin WebSocket (the session cookie authenticates it) carrying
 * `{type:"balance", wallet}` on connect and after every ledger commit, and
 * `{type:"transaction", transaction}` for every new transaction.
 * Balances are written straight into the cache; everything a commit can change is invalidated so
 * pending payments, repayments and loans flip without polling. Reconnects with capped, jittered
 * exponential backoff, and refreshes what may have been missed after a reconnect.
 */
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { announceIncomingTransfer } from "./announce-transfer";
import { storeWallet } from "./hooks/wallet";
import { queryKeys } from "./keys";
import type { Transaction, Wallet } from "./types";

export type LiveStatus = "connecting" | "live" | "offline";

type LiveMessage = { type: "balance"; wallet: Wallet } | { type: "transaction"; transaction: Transaction };

const MAX_BACKOFF_MS = 30_000;
/** The server answers "ping" with a pong; it keeps proxies from closing an idle connection. */
const KEEPALIVE_MS = 25_000;

export function backoffDelay(attempt: number, random = Math.random()): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

export function liveUrl(walletId: string, location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/v1/wallet/${encodeURIComponent(walletId)}/live`;
}

function parse(data: unknown): LiveMessage | null {
  if (typeof data !== "string") return null;
  try {
    const message = JSON.parse(data) as { type?: unknown; wallet?: unknown; transaction?: unknown };
    if (message.type === "balance" && typeof message.wallet === "object" && message.wallet !== null) return message as LiveMessage;
    if (message.type === "transaction" && typeof message.transaction === "object" && message.transaction !== null) {
      return message as LiveMessage;
    }
  } catch {
    // Not JSON: ignored below.
  }
  return null;
}

/** Everything a ledger commit on this wallet can change, other than the balance itself. */
function invalidateWalletActivity(client: QueryClient, walletId: string): void {
  const families = [
    queryKeys.transactions(walletId),
    queryKeys.payments,
    queryKeys.loans,
    ["repayments"],
    ["goals"],
    queryKeys.transfers,
  ] as const;
  for (const queryKey of families) {
    void client.invalidateQueries({ queryKey });
  }
}

function apply(client: QueryClient, walletId: string, message: LiveMessage): void {
  if (message.type === "balance") {
    if (message.wallet.wallet_id !== walletId) return;
    storeWallet(client, message.wallet);
    // A hold placed, posted or released moves no transaction, only the held balance.
    void client.invalidateQueries({ queryKey: queryKeys.holds(walletId) });
    return;
  }
  invalidateWalletActivity(client, walletId);
  void announceIncomingTransfer(client, walletId, message.transaction);
}

export function useWalletLive(walletId: string | undefined): LiveStatus {
  const client = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>("offline");

  useEffect(() => {
    if (!walletId) return;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let keepalive: ReturnType<typeof setInterval> | undefined;
    let attempt = 0;
    let everConnected = false;
    let stopped = false;

    const connect = () => {
      clearTimeout(timer);
      setStatus("connecting");
      const current = new WebSocket(liveUrl(walletId, window.location));
      socket = current;
      current.onopen = () => {
        attempt = 0;
        setStatus("live");
        clearInterval(keepalive);
        keepalive = setInterval(() => current.send("ping"), KEEPALIVE_MS);
        // Commits made while disconnected were not pushed: refetch what they touch once (the
        // balance itself arrives as the first message of every connection).
        if (everConnected) invalidateWalletActivity(client, walletId);
        everConnected = true;
      };
      current.onmessage = (event) => {
        const message = parse(event.data);
        if (message) apply(client, walletId, message);
      };
      current.onerror = () => current.close();
      current.onclose = () => {
        clearInterval(keepalive);
        if (socket === current) socket = null;
        if (stopped) return;
        setStatus("offline");
        timer = setTimeout(connect, backoffDelay(attempt++));
      };
    };

    /** Back online or back on the tab: try now rather than waiting out the backoff. */
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
      setStatus("offline");
    };
  }, [walletId, client]);

  return status;
}
