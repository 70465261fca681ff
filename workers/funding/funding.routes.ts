import { z } from "@hono/zod-openapi";
import { jsonResponse } from "../lib/app";
import { TransactionSchema } from "../lib/ledger";
import { amountSchema } from "../lib/money";
import { publicRoute } from "../lib/routes";
import { textSchema } from "../lib/text";

const tags = ["Funding"];

export const deposit = publicRoute({
  method: "post",
  path: "/funding/deposits",
  operationId: "receiveDeposit",
  tags,
  summary: "The payment processor's deposit webhook (Standard Webhooks signature, no user token)",
  description:
    "Credits a wallet with money that arrived from outside (a DEPOSIT, counterparty `funding`). No bearer token: the request " +
    "is signed per Standard Webhooks with FUNDING_WEBHOOK_SECRET (`whsec_<base64>`, the HMAC key is the decoded bytes): headers " +
    "`webhook-id` (1..255 characters), `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of " +
    '"{webhook-id}.{webhook-timestamp}.{body}">`, several space-separated signatures allowed, one must match). A missing or ' +
    "wrong signature, or a timestamp more than 5 minutes old or ahead, is a 401 UNAUTHENTICATED and changes nothing. Each " +
    "`webhook-id` credits at most once: a delivery of an id seen before answers the same transaction (200, " +
    "`Idempotent-Replayed: true`), and the same id with a different body is a 422 IDEMPOTENCY_KEY_REUSED. An unknown " +
    "wallet is a 404.",
  request: {
    headers: z.object({
      "webhook-id": z
        .string()
        .openapi({ description: "The message id: each one credits at most once", example: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W" }),
      "webhook-timestamp": z.string().openapi({ description: "Unix seconds; refused beyond 5 minutes either way", example: "1764643200" }),
      "webhook-signature": z.string().openapi({
        description: 'Space-separated `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`',
        example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
      }),
    }),
  },
  body: z.strictObject({
    wallet_id: z.string().max(100).openapi({ example: "4b1c6a52-3f0e-4c1b-9a1e-0c5d2c7e8f10" }),
    amount: amountSchema(),
    reference: textSchema().openapi({ description: "The processor's reference, shown as the counterparty", example: "Card top-up" }),
  }),
  responses: { 200: jsonResponse(z.object({ transaction: TransactionSchema }), "The deposit's transaction (the same on every replay)") },
  errors: ["UNAUTHENTICATED", "NOT_FOUND", "IDEMPOTENCY_KEY_REUSED"],
});
