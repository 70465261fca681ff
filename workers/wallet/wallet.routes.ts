import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, IdempotencyHeader, IdParam, jsonBody, jsonResponse, PageQuery, security } from "../lib/app";
import { requireUser } from "../lib/auth";
import { idempotent, idempotentEffect } from "../lib/idempotency";
import { TRANSACTION_TYPES, TransactionSchema, WalletSchema } from "../lib/ledger";
import { amountSchema } from "../lib/money";

const tags = ["Wallet"];
const WalletParam = IdParam("wallet_id");
const Movement = z.strictObject({
  amount: amountSchema(),
  description: z.string().trim().max(200).optional().openapi({ example: "Salary" }),
});
const WalletAndTransaction = z.object({ wallet: WalletSchema, transaction: TransactionSchema });

export const createWallet = createRoute({
  method: "post",
  path: "/wallet",
  tags,
  summary: "Open a wallet",
  security,
  middleware: [requireUser, idempotent] as const,
  request: { headers: IdempotencyHeader, body: jsonBody(z.strictObject({ currency: z.literal("USD").optional() })) },
  responses: {
    201: jsonResponse(z.object({ wallet: WalletSchema }), "The new wallet, balance 0.00"),
    ...errorResponses("VALIDATION_ERROR", "UNAUTHENTICATED", "IDEMPOTENCY_IN_PROGRESS", "IDEMPOTENCY_KEY_REUSED"),
  },
});

export const listWallets = createRoute({
  method: "get",
  path: "/wallet",
  tags,
  summary: "The caller's wallets",
  security,
  middleware: [requireUser] as const,
  responses: { 200: jsonResponse(z.object({ wallets: z.array(WalletSchema) }), "Oldest first"), ...errorResponses("UNAUTHENTICATED") },
});

export const getWallet = createRoute({
  method: "get",
  path: "/wallet/{wallet_id}",
  tags,
  summary: "One wallet",
  security,
  middleware: [requireUser] as const,
  request: { params: WalletParam },
  responses: { 200: jsonResponse(z.object({ wallet: WalletSchema }), "The wallet"), ...errorResponses("UNAUTHENTICATED", "NOT_FOUND") },
});

const movement = (kind: "credit" | "debit") =>
  createRoute({
    method: "post",
    path: `/wallet/{wallet_id}/${kind}`,
    tags,
    summary: kind === "credit" ? "Deposit money (DEPOSIT)" : "Withdraw money (WITHDRAWAL)",
    security,
    // The ledger stores each transfer's outcome: a repeat is rebuilt from it (lib/idempotency.ts).
    middleware: [requireUser, idempotentEffect] as const,
    request: { params: WalletParam, headers: IdempotencyHeader, body: jsonBody(Movement) },
    responses: {
      200: jsonResponse(WalletAndTransaction, "The wallet after the movement and its transaction"),
      ...errorResponses(
        "VALIDATION_ERROR",
        "UNAUTHENTICATED",
        "NOT_FOUND",
        ...(kind === "debit" ? (["INSUFFICIENT_FUNDS"] as const) : []),
        "IDEMPOTENCY_IN_PROGRESS",
        "IDEMPOTENCY_KEY_REUSED",
        "PAYLOAD_TOO_LARGE",
        "UNSUPPORTED_MEDIA_TYPE",
      ),
    },
  });

export const credit = movement("credit");
export const debit = movement("debit");

export const listTransactions = createRoute({
  method: "get",
  path: "/wallet/{wallet_id}/transactions",
  tags,
  summary: "The wallet's transactions, newest first",
  security,
  middleware: [requireUser] as const,
  request: { params: WalletParam, query: PageQuery.extend({ type: z.enum(TRANSACTION_TYPES).optional() }) },
  responses: {
    200: jsonResponse(z.object({ transactions: z.array(TransactionSchema), next_cursor: z.string().nullable() }), "One page"),
    ...errorResponses("VALIDATION_ERROR", "UNAUTHENTICATED", "NOT_FOUND"),
  },
});

export const live = createRoute({
  method: "get",
  path: "/wallet/{wallet_id}/live",
  tags,
  summary: "Live updates over a WebSocket",
  description:
    'Upgrade to a WebSocket (bearer token or session cookie). The server sends `{"type":"balance","wallet":Wallet}` on connect and after every commit, ' +
    'and `{"type":"transaction","transaction":Transaction}` for every new transaction. Send `ping` to get `{"type":"pong"}`. ' +
    "A cookie upgrade must come from the API's own origin or one in CORS_ORIGINS (403). The socket is closed with code 4001 " +
    "when its session is revoked or its token expires. At most LIVE_SOCKETS_PER_WALLET (20) sockets per wallet: a further one is a 429.",
  security,
  middleware: [requireUser] as const,
  request: { params: WalletParam },
  responses: {
    101: { description: "Switching protocols" },
    ...errorResponses("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"),
    426: { description: "Not a WebSocket upgrade request" },
  },
});
