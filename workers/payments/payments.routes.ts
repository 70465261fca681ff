import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, IdempotencyHeader, IdParam, jsonBody, jsonResponse, PageQuery, security } from "../lib/app";
import { requireUser } from "../lib/auth";
import { idempotent } from "../lib/idempotency";
import { amountSchema, moneyString } from "../lib/money";
import { limitPerUser } from "../lib/rate-limit";
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

export const createPayment = createRoute({
  method: "post",
  path: "/payment",
  tags,
  summary: "Pay a merchant (asynchronous: 202 PENDING, then SUCCESSFUL or FAILED)",
  security,
  middleware: [requireUser, limitPerUser("MONEY_RATE_LIMIT"), idempotent] as const,
  request: {
    headers: IdempotencyHeader,
    body: jsonBody(
      z.strictObject({
        wallet_id: z.string().min(1).max(100),
        merchant: textSchema({ max: 100 }).openapi({ example: "Coffee Corner" }),
        amount: amountSchema(),
        description: textSchema().optional(),
      }),
    ),
  },
  responses: {
    202: jsonResponse(z.object({ payment: PaymentSchema }), "Accepted; the saga runs on the payment-events queue"),
    ...errorResponses(
      "RATE_LIMITED",
      "VALIDATION_ERROR",
      "UNAUTHENTICATED",
      "NOT_FOUND",
      "IDEMPOTENCY_IN_PROGRESS",
      "IDEMPOTENCY_KEY_REUSED",
    ),
  },
});

export const getPayment = createRoute({
  method: "get",
  path: "/payment/{transaction_id}",
  tags,
  summary: "One payment",
  security,
  middleware: [requireUser] as const,
  request: { params: IdParam("transaction_id") },
  responses: { 200: jsonResponse(z.object({ payment: PaymentSchema }), "The payment"), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

export const listByWallet = createRoute({
  method: "get",
  path: "/payment/by-wallet/{wallet_id}",
  tags,
  summary: "A wallet's payments, newest first",
  security,
  middleware: [requireUser] as const,
  request: { params: IdParam("wallet_id"), query: PageQuery },
  responses: {
    200: jsonResponse(z.object({ payments: z.array(PaymentSchema), next_cursor: z.string().nullable() }), "One page"),
    ...errorResponses("VALIDATION_ERROR", "UNAUTHENTICATED", "NOT_FOUND"),
  },
});
