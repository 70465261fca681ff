import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, body, idempotent } from "../client";
import { useMoneyMutation } from "../idempotency";
import { queryKeys } from "../keys";
import type { Transaction, TransactionFilters, Wallet } from "../types";

export const PAGE_SIZE = 25;

export function useWallets() {
  return useQuery({
    queryKey: queryKeys.walletList,
    queryFn: async () => (await body(api.GET("/v1/wallet"))).wallets,
  });
}

/**
 * Writes a fresh wallet (from a mutation or the live feed) into the cached wallet list. Answers and
 * pushes can arrive out of order, so an older snapshot never replaces a newer one.
 */
export function storeWallet(client: QueryClient, wallet: Wallet): void {
  client.setQueryData<Wallet[]>(queryKeys.walletList, (wallets) =>
    wallets?.map((w) => (w.wallet_id === wallet.wallet_id && w.updated_at <= wallet.updated_at ? wallet : w)),
  );
}

/** Opening a wallet is keyed too, so a double submit cannot open two. */
export function useCreateWallet({ inlineFailure = false }: { inlineFailure?: boolean } = {}) {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async (input: { currency: "USD"; name?: string }, key: string) =>
      (await body(api.POST("/v1/wallet", { body: input, ...idempotent(key) }))).wallet,
    onSuccess: (wallet) => {
      client.setQueryData<Wallet[]>(queryKeys.walletList, (wallets) => [...(wallets ?? []), wallet]);
    },
    meta: { success: "Wallet created", failure: "Could not create the wallet", inlineFailure },
  });
}

/** Renaming moves no money, so it needs no idempotency key; the dialog shows a refusal itself. */
export function useRenameWallet() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ walletId, name }: { walletId: string; name: string }) =>
      (await body(api.PATCH("/v1/wallet/{wallet_id}", { params: { path: { wallet_id: walletId } }, body: { name } }))).wallet,
    onSuccess: (wallet) => storeWallet(client, wallet),
    meta: { success: "Wallet renamed", inlineFailure: true },
  });
}

type Page = { transactions: Transaction[]; next_cursor: string | null };

async function fetchTransactionPage(
  walletId: string,
  { type, q, from, to, cursor, limit }: TransactionFilters & { cursor?: string; limit?: number },
): Promise<Page> {
  return body(
    api.GET("/v1/wallet/{wallet_id}/transactions", {
      params: {
        path: { wallet_id: walletId },
        query: { limit: limit ?? PAGE_SIZE, cursor, type: type ?? undefined, q: q || undefined, from, to },
      },
    }),
  );
}

/** The wallet's history, newest first, one page at a time ("Load more" follows next_cursor). */
export function useTransactionPages(walletId: string, filters: TransactionFilters, enabled = true) {
  return useInfiniteQuery({
    enabled,
    queryKey: queryKeys.transactionPages(walletId, filters),
    queryFn: ({ pageParam }) => fetchTransactionPage(walletId, { ...filters, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** The latest `limit` transactions (1..100), for the dashboard's activity and charts. */
export function useRecentTransactions(walletId: string | undefined, limit: number) {
  return useQuery({
    queryKey: queryKeys.recentTransactions(walletId ?? "", limit),
    queryFn: async () => (await fetchTransactionPage(walletId ?? "", { type: null, limit })).transactions,
    enabled: walletId !== undefined,
  });
}

/** Every transaction of a filter, following cursors, for CSV export. Capped to keep the tab responsive. */
export async function fetchAllTransactions(walletId: string, filters: TransactionFilters, cap = 10_000): Promise<Transaction[]> {
  const all: Transaction[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchTransactionPage(walletId, { ...filters, cursor, limit: 100 });
    all.push(...page.transactions);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && all.length < cap);
  return all;
}

export type MovementVariables = { walletId: string; amount: string; description?: string };

function useMovement(kind: "credit" | "debit") {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async ({ walletId, amount, description }: MovementVariables, key: string) => {
      const init = { params: { path: { wallet_id: walletId } }, body: { amount, description }, ...idempotent(key) };
      return body(kind === "credit" ? api.POST("/v1/wallet/{wallet_id}/credit", init) : api.POST("/v1/wallet/{wallet_id}/debit", init));
    },
    onSuccess: ({ wallet }) => {
      storeWallet(client, wallet);
      void client.invalidateQueries({ queryKey: queryKeys.transactions(wallet.wallet_id) });
    },
    meta:
      kind === "credit"
        ? { success: "Deposit complete", failure: "Deposit failed" }
        : { success: "Withdrawal complete", failure: "Withdrawal failed" },
  });
}

export const useCredit = () => useMovement("credit");
export const useDebit = () => useMovement("debit");

/** The wallet's active holds (authorizations waiting to be captured, canceled or to expire). */
export function useHolds(walletId: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.holds(walletId),
    queryFn: async () => (await body(api.GET("/v1/wallet/{wallet_id}/holds", { params: { path: { wallet_id: walletId } } }))).holds,
    enabled,
  });
}
