import { z } from "@hono/zod-openapi";
import { IdParam, jsonResponse } from "../lib/app";
import { TransactionSchema } from "../lib/ledger";
import { moneyString } from "../lib/money";
import { publicRoute, userRoute } from "../lib/routes";

const tags = ["Statements"];

const Period = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM")
  .openapi({ param: { name: "period", in: "path" }, example: "2026-11" });

const Hash = z.string().regex(/^[0-9a-f]{64}$/);

export const StatementSchema = z
  .object({
    wallet_id: z.string(),
    period: z.string().openapi({ example: "2026-11" }),
    currency: z.literal("USD"),
    opening_balance: moneyString,
    closing_balance: moneyString,
    total_in: moneyString,
    total_out: moneyString,
    opening_hash: Hash.openapi({ description: "The chain hash just before the period's first transaction (64 zeros for a new wallet)" }),
    closing_hash: Hash.openapi({ description: "The last transaction's hash (opening_hash when the period has none)" }),
    transactions: z.array(TransactionSchema).openapi({ description: "The period's transactions, oldest first" }),
    issued_at: z.string(),
    final: z.boolean().openapi({ description: "False for the current month: the statement is provisional" }),
    key_id: z.string().openapi({ example: "ed25519-3f0e4c1b9a1e0c5d" }),
    signature: z.string().openapi({
      description: "Base64 Ed25519 signature, by the key `key_id`, of the canonical JSON of the statement without `signature`",
    }),
  })
  .openapi("Statement");

const KeySchema = z
  .object({
    key_id: z.string(),
    algorithm: z.literal("Ed25519"),
    public_key: z.string().openapi({ description: "The raw 32-byte Ed25519 public key, base64" }),
    created_at: z.string(),
  })
  .openapi("StatementKey");

export const listStatements = userRoute({
  method: "get",
  path: "/wallet/{wallet_id}/statements",
  operationId: "listWalletStatements",
  tags,
  summary: "The wallet's monthly statements",
  description: "One per calendar month (UTC) with activity, newest first.",
  request: { params: IdParam("wallet_id") },
  responses: {
    200: jsonResponse(
      z.object({ statements: z.array(z.object({ period: z.string(), opening_balance: moneyString, closing_balance: moneyString })) }),
      "Newest first",
    ),
  },
  errors: ["NOT_FOUND"],
});

export const getStatement = userRoute({
  method: "get",
  path: "/wallet/{wallet_id}/statements/{period}",
  operationId: "getWalletStatement",
  tags,
  summary: "One month's signed statement",
  description:
    "The month's transactions with their hashes, balances and totals, signed (see POST /v1/statements/verify). The current " +
    "month's is provisional (`final: false`); a month that has not begun is a 404. `?format=csv` answers the same " +
    "transactions as RFC 4180 CSV (text/csv, one header line), to open in a spreadsheet; the JSON is the verifiable file.",
  request: {
    params: IdParam("wallet_id").extend({ period: Period }),
    query: z.object({ format: z.enum(["json", "csv"]).optional() }),
  },
  responses: {
    200: {
      description: "The statement (JSON), or its transactions as CSV",
      content: {
        "application/json": { schema: z.object({ statement: StatementSchema }) },
        "text/csv": { schema: z.string() },
      },
    },
  },
  errors: ["NOT_FOUND"],
});

export const listKeys = publicRoute({
  method: "get",
  path: "/statements/keys",
  operationId: "listStatementKeys",
  tags,
  summary: "The public keys statements are signed with",
  description: "The current key first, then every earlier one: a statement signed before a key rotation keeps verifying.",
  responses: { 200: jsonResponse(z.object({ keys: z.array(KeySchema) }), "Every key a statement may name") },
});

export const verifyStatement = publicRoute({
  method: "post",
  path: "/statements/verify",
  operationId: "verifyStatement",
  tags,
  summary: "Check a statement",
  description:
    "Recomputes the chain from `opening_hash`, the balances and totals, and checks the signature with the published keys. " +
    "`reason` names the first problem found (`CODE: explanation`; codes MALFORMED, WRONG_PERIOD, REORDERED, " +
    "TRANSACTION_ALTERED, TRANSACTION_MISSING, OPENING_HASH_MISMATCH, CLOSING_HASH_MISMATCH, OPENING_BALANCE_MISMATCH, " +
    "CLOSING_BALANCE_MISMATCH, TOTALS_MISMATCH, UNKNOWN_KEY, BAD_SIGNATURE); null when valid. The same check runs offline: " +
    "`npm run verify-statement -- FILE`.",
  body: z.strictObject({
    statement: z.unknown().openapi({ type: "object", description: "A statement as GET …/statements/{period} returned it" }),
  }),
  responses: {
    200: jsonResponse(z.object({ valid: z.boolean(), reason: z.string().nullable() }), "Whether the statement is genuine, and if not why"),
  },
});
