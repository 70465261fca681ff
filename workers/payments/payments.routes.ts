import { z } from "@hono/zod-openapi";
import { IdParam, jsonResponse, PageQuery } from "../lib/app";
import { amountSchema, moneyString } from "../lib/money";
import { userRoute } from "../lib/routes";
import { textSchema } from "../lib/text";

const tags = ["Payments"];

export const PaymentSchema = z
  .object({
    transaction_id: z.string().openapi({ description: "The payment's id (also the wallet transaction's reference_id)" }),
    wallet_id: z.string(),
    merchant: z.string(),
    amount: moneyString,
    description: z.string().nullable(),
    capture: z
      .enum(["automatic", "manual"])
      .openapi({ description: "`manual`: authorized first (a hold), then captured, canceled or expired" }),
    status: z.enum(["PENDING", "AUTHORIZED", "SUCCESSFUL", "FAILED", "CANCELED"]),
    failure_reason: z.string().nullable().openapi({
      description:
        "`INSUFFICIENT_FUNDS`, `PROCESSING_ERROR` when the saga gave up after its retries (dead letter), or `EXPIRED` for an authorization released at its expiry",
    }),
    authorized_amount: moneyString
      .nullable()
      .openapi({ description: "What the hold reserves (manual capture); null for automatic payments" }),
    captured_amount: moneyString.openapi({ description: "What was paid out (a capture may take less than was authorized)" }),
    refunded_amount: moneyString.openapi({ description: "Sum of the payment's refunds; never above captured_amount" }),
    authorization_expires_at: z
      .string()
      .nullable()
      .openapi({ description: "When an uncaptured authorization is released (manual capture)" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Payment");

export const createPayment = userRoute({
  method: "post",
  path: "/payment",
  operationId: "createPayment",
  tags,
  summary: "Pay a merchant (asynchronous: 202 PENDING, then SUCCESSFUL or FAILED)",
  rateLimit: "MONEY_RATE_LIMIT",
  idempotency: "stored",
  body: z.strictObject({
    wallet_id: z.string().min(1).max(100),
    merchant: textSchema({ max: 100 }).openapi({ example: "Coffee Corner" }),
    amount: amountSchema(),
    description: textSchema().optional(),
    capture: z.enum(["automatic", "manual"]).optional().openapi({ description: "Default `automatic`" }),
  }),
  responses: { 202: jsonResponse(z.object({ payment: PaymentSchema }), "Accepted; the saga runs on the payment-events queue") },
  errors: ["NOT_FOUND"],
});

export const getPayment = userRoute({
  method: "get",
  path: "/payment/{transaction_id}",
  operationId: "getPayment",
  tags,
  summary: "One payment",
  request: { params: IdParam("transaction_id") },
  responses: { 200: jsonResponse(z.object({ payment: PaymentSchema }), "The payment") },
  errors: ["NOT_FOUND"],
});

export const listByWallet = userRoute({
  method: "get",
  path: "/payment/by-wallet/{wallet_id}",
  operationId: "listWalletPayments",
  tags,
  summary: "A wallet's payments, newest first",
  request: { params: IdParam("wallet_id"), query: PageQuery },
  responses: { 200: jsonResponse(z.object({ payments: z.array(PaymentSchema), next_cursor: z.string().nullable() }), "One page") },
  errors: ["NOT_FOUND"],
});

const PaymentParam = IdParam("transaction_id");
const PaymentBody = z.object({ payment: PaymentSchema });

export const RefundSchema = z
  .object({
    refund_id: z.string(),
    transaction_id: z.string().openapi({ description: "The refunded payment" }),
    amount: moneyString,
    reason: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Refund");

export const capturePayment = userRoute({
  method: "post",
  path: "/payment/{transaction_id}/capture",
  operationId: "capturePayment",
  tags,
  summary: "Capture an AUTHORIZED payment (all, or part: the rest is released)",
  description: "A capture racing a cancel or the authorization's expiry has one winner; the wallet's ledger decides.",
  rateLimit: "MONEY_RATE_LIMIT",
  idempotency: "stored",
  request: { params: PaymentParam },
  body: z.strictObject({ amount: amountSchema().optional().openapi({ description: "Default: the authorized amount" }) }),
  bodyOptional: true,
  responses: { 200: jsonResponse(PaymentBody, "SUCCESSFUL: one PAYMENT_OUT of the captured amount") },
  errors: ["NOT_FOUND", "INVALID_STATE", "CAPTURE_EXCEEDS_AUTHORIZED"],
});

export const cancelPayment = userRoute({
  method: "post",
  path: "/payment/{transaction_id}/cancel",
  operationId: "cancelPayment",
  tags,
  summary: "Cancel an AUTHORIZED payment: its hold is released",
  rateLimit: "MONEY_RATE_LIMIT",
  idempotency: "stored",
  request: { params: PaymentParam },
  responses: { 200: jsonResponse(PaymentBody, "CANCELED") },
  errors: ["NOT_FOUND", "INVALID_STATE"],
});

export const refundPayment = userRoute({
  method: "post",
  path: "/payment/{transaction_id}/refund",
  operationId: "refundPayment",
  tags,
  summary: "Refund part or all of a SUCCESSFUL payment",
  description: "A REFUND credit from `merchants`; refunds may repeat, and their sum never exceeds `captured_amount`, however many race.",
  rateLimit: "MONEY_RATE_LIMIT",
  idempotency: "stored",
  request: { params: PaymentParam },
  body: z.strictObject({
    amount: amountSchema().optional().openapi({ description: "Default: what is left to refund" }),
    reason: textSchema().optional(),
  }),
  bodyOptional: true,
  responses: { 201: jsonResponse(z.object({ refund: RefundSchema, payment: PaymentSchema }), "The refund and the payment after it") },
  errors: ["NOT_FOUND", "INVALID_STATE", "REFUND_EXCEEDS_CAPTURED"],
});
