import { type QueryClient, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import toast from "react-hot-toast";
import { formatMoney } from "../../lib/money";
import { api, body, idempotent } from "../client";
import { useMoneyMutation } from "../idempotency";
import { queryKeys } from "../keys";
import type { Payment } from "../types";
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

export type PaymentRequest = { wallet_id: string; merchant: string; amount: string; description?: string; capture?: "manual" };

export function useCreatePayment() {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async (payment: PaymentRequest, key: string) =>
      (await body(api.POST("/v1/payment", { body: payment, ...idempotent(key) }))).payment,
    onSuccess: (payment) => {
      // The saga can finish before this answer arrives: a state the user feed already pushed
      // (AUTHORIZED, SUCCESSFUL, FAILED) is newer than the PENDING answered here, so it stays.
      client.setQueryData<Payment>(queryKeys.payment(payment.transaction_id), (pushed) =>
        pushed && pushed.status !== "PENDING" ? pushed : payment,
      );
      void client.invalidateQueries({ queryKey: queryKeys.paymentPages(payment.wallet_id) });
    },
    meta: { notice: "Payment sent; waiting for the wallet", failure: "Payment failed" },
  });
}

/** After a capture, cancel or refund: the payment as answered, and everything its money touched. */
function storePayment(client: QueryClient, payment: Payment): void {
  client.setQueryData(queryKeys.payment(payment.transaction_id), payment);
  void client.invalidateQueries({ queryKey: queryKeys.paymentPages(payment.wallet_id) });
  void client.invalidateQueries({ queryKey: queryKeys.holds(payment.wallet_id) });
  void client.invalidateQueries({ queryKey: queryKeys.transactions(payment.wallet_id) });
  void client.invalidateQueries({ queryKey: queryKeys.walletList });
}

/** Each form shows its refusal itself (beside the amount, or above its button): no failure toast. */
export function useCapturePayment() {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async ({ paymentId, amount }: { paymentId: string; amount?: string }, key: string) =>
      (
        await body(
          api.POST("/v1/payment/{transaction_id}/capture", {
            params: { path: { transaction_id: paymentId } },
            body: amount ? { amount } : {},
            ...idempotent(key),
          }),
        )
      ).payment,
    onSuccess: (payment) => {
      storePayment(client, payment);
      toast.success(`Captured ${formatMoney(payment.captured_amount)} for ${payment.merchant}`);
    },
    meta: { inlineFailure: true },
  });
}

export function useCancelPayment() {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async ({ paymentId }: { paymentId: string }, key: string) =>
      (await body(api.POST("/v1/payment/{transaction_id}/cancel", { params: { path: { transaction_id: paymentId } }, ...idempotent(key) })))
        .payment,
    onSuccess: (payment) => storePayment(client, payment),
    meta: { success: "Authorization canceled; the hold is released", inlineFailure: true },
  });
}

export function useRefundPayment() {
  const client = useQueryClient();
  return useMoneyMutation({
    request: async ({ paymentId, amount, reason }: { paymentId: string; amount?: string; reason?: string }, key: string) =>
      body(
        api.POST("/v1/payment/{transaction_id}/refund", {
          params: { path: { transaction_id: paymentId } },
          body: { ...(amount ? { amount } : {}), ...(reason ? { reason } : {}) },
          ...idempotent(key),
        }),
      ),
    onSuccess: ({ refund, payment }) => {
      storePayment(client, payment);
      toast.success(`Refunded ${formatMoney(refund.amount)} from ${payment.merchant}`);
    },
    meta: { inlineFailure: true },
  });
}
