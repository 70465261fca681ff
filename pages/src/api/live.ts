/**
 * The wallet's live feed: a same-origin WebSocket (the session cookie authenticates it) carrying
 * `{type:"balance", wallet}` on connect and after every ledger commit, and
 * `{type:"transaction", transaction}` for every new transaction.
 * Balances are written straight into the cache; everything a commit can change is invalidated so
 * pending payments, repayments and loans flip without polling. Reconnects (socket.ts) and refreshes
 * what may have been missed after a reconnect.
 */
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { announceIncomingTransfer } from "./announce-transfer";
import { storeWallet } from "./hooks/wallet";
import { queryKeys } from "./keys";
import { keepSocketOpen, type LiveStatus, socketUrl } from "./socket";
import type { Transaction, Wallet } from "./types";

type LiveMessage = { type: "balance"; wallet: Wallet } | { type: "transaction"; transaction: Transaction };

export function liveUrl(walletId: string, location: Pick<Location, "protocol" | "host">): string {
  return socketUrl(`/v1/wallet/${encodeURIComponent(walletId)}/live`, location);
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
    return keepSocketOpen(liveUrl(walletId, window.location), {
      onStatus: setStatus,
      // Commits made while disconnected were not pushed: refetch what they touch once (the
      // balance itself arrives as the first message of every connection).
      onOpen: (reconnected) => {
        if (reconnected) invalidateWalletActivity(client, walletId);
      },
      onMessage: (data) => {
        const message = parse(data);
        if (message) apply(client, walletId, message);
      },
    });
  }, [walletId, client]);

  return status;
}
