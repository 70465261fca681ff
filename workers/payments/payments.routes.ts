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
    status: z.enum(["PENDING", "SUCCESSFUL", "FAILED"]),
    failure_reason: z
      .string()
      .nullable()
      .openapi({ description: "`INSUFFICIENT_FUNDS`, or `PROCESSING_ERROR` when the saga gave up after its retries (dead letter)" }),
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
