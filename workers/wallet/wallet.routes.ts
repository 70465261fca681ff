import { z } from "@hono/zod-openapi";
import { IdParam, jsonResponse, PageQuery } from "../lib/app";
import { TRANSACTION_TYPES, TransactionSchema, WalletSchema } from "../lib/ledger";
import { amountSchema, moneyString } from "../lib/money";
import { errorResponse, userRoute } from "../lib/routes";
import { textSchema } from "../lib/text";

const tags = ["Wallet"];
const WalletParam = IdParam("wallet_id");
const Movement = z.strictObject({
  amount: amountSchema(),
  description: textSchema().optional().openapi({ example: "Salary" }),
});
const WalletAndTransaction = z.object({ wallet: WalletSchema, transaction: TransactionSchema });
const WalletName = textSchema({ max: 50 });
/** An ISO 8601 timestamp with a time zone; compared in UTC. */
const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: "2026-11-24T10:00:00.000Z" });

export const createWallet = userRoute({
  method: "post",
  path: "/wallet",
  operationId: "createWallet",
  tags,
  summary: "Open a wallet",
  rateLimit: "MONEY_RATE_LIMIT",
  idempotency: "stored",
  body: z.strictObject({
    currency: z.literal("USD").optional(),
    name: WalletName.optional().openapi({ description: 'What the owner calls the wallet (default "Main")', example: "Holidays" }),
  }),
  responses: { 201: jsonResponse(z.object({ wallet: WalletSchema }), "The new wallet, balance 0.00") },
  errors: ["WALLET_LIMIT"],
});

export const renameWallet = userRoute({
  method: "patch",
  path: "/wallet/{wallet_id}",
  operationId: "renameWallet",
  tags,
  summary: "Rename a wallet",
  request: { params: WalletParam },
  body: z.strictObject({ name: WalletName }),
  responses: { 200: jsonResponse(z.object({ wallet: WalletSchema }), "The renamed wallet") },
  errors: ["NOT_FOUND"],
});

export const balanceAsOf = userRoute({
  method: "get",
  path: "/wallet/{wallet_id}/balance",
  operationId: "getWalletBalance",
  tags,
  summary: "The posted balance at a moment",
  description:
    "The posted balance just after the last transaction at or before `as_of` (now when omitted), answered from the wallet's " +
    'transactions on a time index; "0.00" and `transaction_id: null` before the first.',
  request: { params: WalletParam, query: z.object({ as_of: Timestamp.optional() }) },
  responses: {
    200: jsonResponse(
      z.object({ balance: moneyString, as_of: z.string(), transaction_id: z.string().nullable() }),
      "The balance at that moment and the transaction it follows",
    ),
  },
  errors: ["NOT_FOUND"],
});

export const listWallets = userRoute({
  method: "get",
  path: "/wallet",
  operationId: "listWallets",
  tags,
  summary: "The caller's wallets",
  responses: { 200: jsonResponse(z.object({ wallets: z.array(WalletSchema) }), "Oldest first") },
});

export const getWallet = userRoute({
  method: "get",
  path: "/wallet/{wallet_id}",
  operationId: "getWallet",
  tags,
  summary: "One wallet",
  request: { params: WalletParam },
  responses: { 200: jsonResponse(z.object({ wallet: WalletSchema }), "The wallet") },
  errors: ["NOT_FOUND"],
});

const movement = <const K extends "credit" | "debit">(kind: K, operationId: string) =>
  userRoute({
    method: "post",
    path: `/wallet/{wallet_id}/${kind}`,
    operationId,
    tags,
    summary: kind === "credit" ? "Deposit money (DEPOSIT)" : "Withdraw money (WITHDRAWAL)",
    ...(kind === "credit" && {
      description:
        "A sandbox deposit (counterparty `funding`), where the environment has SANDBOX_DEPOSITS on; elsewhere a 403 " +
        "DEPOSITS_DISABLED (money then enters through POST /v1/funding/deposits). At most SANDBOX_DAILY_DEPOSIT_LIMIT per " +
        "user per UTC day, over all their wallets: a deposit that would pass it is a 422 DEPOSIT_LIMIT_EXCEEDED and moves " +
        "nothing (a repeat with the same Idempotency-Key is not counted again).",
    }),
    rateLimit: "MONEY_RATE_LIMIT",
    // The ledger stores each transfer's outcome: a repeat is rebuilt from it (lib/idempotency.ts).
    idempotency: "effect",
    request: { params: WalletParam },
    body: Movement,
    responses: { 200: jsonResponse(WalletAndTransaction, "The wallet after the movement and its transaction") },
    errors: kind === "debit" ? ["NOT_FOUND", "INSUFFICIENT_FUNDS"] : ["NOT_FOUND", "DEPOSITS_DISABLED", "DEPOSIT_LIMIT_EXCEEDED"],
  });

export const credit = movement("credit", "creditWallet");
export const debit = movement("debit", "debitWallet");

export const listTransactions = userRoute({
  method: "get",
  path: "/wallet/{wallet_id}/transactions",
  operationId: "listWalletTransactions",
  tags,
  summary: "The wallet's transactions, newest first",
  request: {
    params: WalletParam,
    query: PageQuery.extend({
      type: z.enum(TRANSACTION_TYPES).optional(),
      from: Timestamp.optional().openapi({ description: "Only transactions at or after this time" }),
      to: Timestamp.optional().openapi({ description: "Only transactions at or before this time" }),
      q: textSchema({ max: 100 })
        .optional()
        .openapi({ description: "Text in the description or the counterparty's name (case-insensitive)" }),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ transactions: z.array(TransactionSchema), next_cursor: z.string().nullable() }), "One page"),
  },
  errors: ["NOT_FOUND"],
});

export const live = userRoute({
  method: "get",
  path: "/wallet/{wallet_id}/live",
  operationId: "streamWallet",
  tags,
  summary: "Live updates over a WebSocket",
  description:
    'Upgrade to a WebSocket (bearer token or session cookie). The server sends `{"type":"balance","wallet":Wallet}` on connect and after every commit, ' +
    'and `{"type":"transaction","transaction":Transaction}` for every new transaction. Send `ping` to get `{"type":"pong"}`. ' +
    "A cookie upgrade must come from the API's own origin or one in CORS_ORIGINS (403). The socket is closed with code 4001 " +
    "when its session is revoked or its token expires. At most LIVE_SOCKETS_PER_WALLET (20) sockets per wallet: a further one is a 429.",
  request: { params: WalletParam },
  responses: {
    101: { description: "Switching protocols" },
    // A plain GET without `Upgrade: websocket`; the envelope keeps the code it has always carried.
    426: errorResponse(426, ["VALIDATION_ERROR"]),
  },
  errors: ["FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"],
});

export const HoldSchema = z
  .object({
    hold_id: z.string(),
    amount: moneyString,
    reason: z.string().openapi({ description: "Why the money is held (the merchant of an authorized payment)", example: "Hotel Lisboa" }),
    reference_id: z.string().openapi({ description: "The payment the hold authorizes" }),
    expires_at: z.string().openapi({ description: "When the hold is released unless captured or canceled first" }),
    created_at: z.string(),
  })
  .openapi("Hold");

export const listHolds = userRoute({
  method: "get",
  path: "/wallet/{wallet_id}/holds",
  operationId: "listWalletHolds",
  tags,
  summary: "The wallet's active holds, soonest expiry first",
  description: "What `held_balance` is made of: each active hold reserves part of the posted balance until captured, canceled or expired.",
  request: { params: WalletParam },
  responses: { 200: jsonResponse(z.object({ holds: z.array(HoldSchema) }), "The active holds") },
  errors: ["NOT_FOUND"],
});
