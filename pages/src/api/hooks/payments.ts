import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, body, idempotent } from "../client";
import { useMoneyMutation } from "../idempotency";
import { queryKeys } from "../keys";
import { PAGE_SIZE } from "./wallet";

export function usePaymentPages(walletId: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.paymentPages(walletId),
    queryFn: async ({ pageParam }) =>
      body(
        api.GET("/v1/payment/by-wallet/{wallet_id}", {
          params: { path: { wallet_id: walletId }, query: { limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** One payment; its terminal status arrives pushed on the user's live feed (api/user-live.ts), never polled. */
export function usePayment(paymentId: string | null) {
  return useQuery({
    queryKey: queryKeys.payment(paymentId ?? ""),
    queryFn: async () =>
      (await body(api.GET("/v1/payment/{transaction_id}", { params: { path: { transaction_id: paymentId ?? "" } } }))).payment,
    enabled: paymentId !== null,
  });
}

export type PaymentRequest = { wallet_id: string; merchant: string; amount: string; description?: string };

export function useCreatePayment() {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async (payment: PaymentRequest, key: string) =>
      (await body(api.POST("/v1/payment", { body: payment, ...idempotent(key) }))).payment,
    onSuccess: (payment) => {
      client.setQueryData(queryKeys.payment(payment.transaction_id), payment);
      void client.invalidateQueries({ queryKey: queryKeys.paymentPages(payment.wallet_id) });
    },
    meta: { notice: "Payment sent; waiting for the wallet", failure: "Payment failed" },
  });
}
