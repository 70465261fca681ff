import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, body, idempotent } from "../client";
import { useMoneyMutation } from "../idempotency";
import { queryKeys } from "../keys";
import { settleInterval } from "../settle";
import type { Transfer } from "../types";
import { PAGE_SIZE } from "./wallet";

/** A wallet's transfers, sent and received, newest first. */
export function useTransferPages(walletId: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.transferPages(walletId),
    queryFn: async ({ pageParam }) =>
      body(api.GET("/v1/transfers", { params: { query: { wallet_id: walletId, limit: PAGE_SIZE, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (query) => settleInterval(query.state.data?.pages[0]?.transfers),
  });
}

export const fetchTransfer = async (transferId: string): Promise<Transfer> =>
  (await body(api.GET("/v1/transfers/{transfer_id}", { params: { path: { transfer_id: transferId } } }))).transfer;

/**
 * One transfer, followed until it is COMPLETED or REVERSED. The credit lands in the recipient's
 * ledger, not on the sender's live feed, so a fresh PENDING transfer re-checks on settle.ts's
 * short, bounded schedule.
 */
export function useTransfer(transferId: string | null) {
  return useQuery({
    queryKey: queryKeys.transfer(transferId ?? ""),
    queryFn: () => fetchTransfer(transferId ?? ""),
    enabled: transferId !== null,
    refetchInterval: (query) => settleInterval(query.state.data ? [query.state.data] : undefined),
  });
}

export type TransferRequestBody = {
  from_wallet_id: string;
  to_email?: string;
  to_wallet_id?: string;
  amount: string;
  description?: string;
};

/** The form shows every refusal itself (beside its field, or above the button): no failure toast. */
export function useCreateTransfer() {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async (transfer: TransferRequestBody, key: string) =>
      (await body(api.POST("/v1/transfers", { body: transfer, ...idempotent(key) }))).transfer,
    onSuccess: (transfer) => {
      client.setQueryData(queryKeys.transfer(transfer.transfer_id), transfer);
      void client.invalidateQueries({ queryKey: queryKeys.transferPages(transfer.from_wallet_id) });
      void client.invalidateQueries({ queryKey: queryKeys.transactions(transfer.from_wallet_id) });
    },
    meta: { inlineFailure: true },
  });
}
