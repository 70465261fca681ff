import { z } from "@hono/zod-openapi";
import { IdParam, jsonResponse, PageQuery } from "../lib/app";
import { amountSchema, moneyString } from "../lib/money";
import { userRoute } from "../lib/routes";
import { textSchema } from "../lib/text";

const tags = ["Transfers"];

export const TransferSchema = z
  .object({
    transfer_id: z.string(),
    from_wallet_id: z.string(),
    to_wallet_id: z.string(),
    amount: moneyString,
    description: z.string().nullable(),
    status: z.enum(["PENDING", "COMPLETED", "REVERSED"]).openapi({
      description:
        "PENDING once the sender is debited; COMPLETED when the recipient is credited; REVERSED when the credit could never be made " +
        "(its message dead-lettered) and the sender got the money back",
    }),
    sender_name: z
      .string()
      .openapi({ description: "The sender's name (or the sending wallet's, between one's own wallets); never an email" }),
    recipient_name: z.string(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .openapi("Transfer");

const id = z.string().min(1).max(100);

export const createTransfer = userRoute({
  method: "post",
  path: "/transfers",
  operationId: "createTransfer",
  tags,
  summary: "Send money to another wallet (yours or someone else's)",
  description:
    "Exactly one of `to_wallet_id` and `to_email` (the recipient's first wallet). The sender is debited at once (`TRANSFER_OUT`, so a lack " +
    "of funds is a 409 and nothing is recorded); the recipient is credited exactly once by the saga (`TRANSFER_IN`).",
  rateLimit: "MONEY_RATE_LIMIT",
  idempotency: "stored",
  body: z
    .strictObject({
      from_wallet_id: id,
      to_wallet_id: id.optional(),
      to_email: z.string().trim().max(254).email().optional(),
      amount: amountSchema(),
      description: textSchema().optional(),
    })
    .refine((b) => (b.to_wallet_id === undefined) !== (b.to_email === undefined), {
      message: "exactly one of to_wallet_id and to_email",
      path: ["to_wallet_id"],
    }),
  responses: { 201: jsonResponse(z.object({ transfer: TransferSchema }), "Debited; the credit follows on the payment-events queue") },
  errors: ["NOT_FOUND", "INSUFFICIENT_FUNDS", "RECIPIENT_NOT_FOUND"],
});

export const listTransfers = userRoute({
  method: "get",
  path: "/transfers",
  operationId: "listTransfers",
  tags,
  summary: "Transfers sent and received, newest first",
  request: { query: PageQuery.extend({ wallet_id: id.optional().openapi({ description: "Only those from or to this wallet of yours" }) }) },
  responses: { 200: jsonResponse(z.object({ transfers: z.array(TransferSchema), next_cursor: z.string().nullable() }), "One page") },
  errors: ["NOT_FOUND"],
});

export const getTransfer = userRoute({
  method: "get",
  path: "/transfers/{transfer_id}",
  operationId: "getTransfer",
  tags,
  summary: "One transfer (its sender and its recipient both see it)",
  request: { params: IdParam("transfer_id") },
  responses: { 200: jsonResponse(z.object({ transfer: TransferSchema }), "The transfer") },
  errors: ["NOT_FOUND"],
});
