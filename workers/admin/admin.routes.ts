import { z } from "@hono/zod-openapi";
import { IdParam, jsonResponse, PageQuery } from "../lib/app";
import { AUDIT_ACTIONS } from "../lib/audit-log";
import { TransactionSchema, WalletSchema } from "../lib/ledger";
import { amountSchema, moneyString } from "../lib/money";
import { adminRoute } from "../lib/routes";
import { textSchema } from "../lib/text";

const tags = ["Admin"];

export const DeadLetterSchema = z
  .object({
    dead_letter_id: z.string(),
    queue: z.string(),
    event: z.record(z.string(), z.unknown()),
    error: z.string(),
    attempts: z.number().int(),
    created_at: z.string(),
    replayed_at: z.string().nullable(),
  })
  .openapi("DeadLetter");

export const listDeadLetters = adminRoute({
  method: "get",
  path: "/admin/dead-letters",
  operationId: "listDeadLetters",
  tags,
  summary: "Messages that exhausted their retries (newest first, up to 200)",
  responses: {
    200: jsonResponse(z.object({ dead_letters: z.array(DeadLetterSchema) }), "Dead letters"),
  },
});

export const replayDeadLetter = adminRoute({
  method: "post",
  path: "/admin/dead-letters/{dead_letter_id}/replay",
  operationId: "replayDeadLetter",
  tags,
  summary: "Publish a dead letter's event again (its consumers are idempotent, so this is always safe)",
  description: "The event goes back to the queue it was recorded on; a dead letter of a queue this API does not know is a 409.",
  request: {
    params: z.object({
      dead_letter_id: z
        .string()
        .max(300)
        .openapi({ param: { name: "dead_letter_id", in: "path" } }),
    }),
  },
  responses: {
    202: jsonResponse(z.object({ dead_letter: DeadLetterSchema }), "Published again"),
  },
  errors: ["NOT_FOUND", "INVALID_STATE"],
});

export const reconciliation = adminRoute({
  method: "get",
  path: "/admin/reconciliation",
  operationId: "getReconciliation",
  tags,
  summary: "D1 records vs wallet ledgers: every difference (empty when healthy)",
  responses: {
    200: jsonResponse(
      z.object({
        checked_at: z.string(),
        wallets_checked: z.number().int(),
        differences: z.array(
          z.object({ kind: z.string(), wallet_id: z.string(), reference_id: z.string().nullable(), message: z.string() }),
        ),
      }),
      "The report",
    ),
  },
});

export const adjustWallet = adminRoute({
  method: "post",
  path: "/admin/wallets/{wallet_id}/adjustments",
  operationId: "adjustWallet",
  tags,
  summary: "Correct a wallet's balance (ADJUSTMENT, counterparty adjustments), recorded in the audit log",
  description:
    "A CREDIT or DEBIT of any customer's wallet with the reason as its description. 201: the adjustment is a new " +
    "transaction (a repeat with the same Idempotency-Key answers the first response). A DEBIT never overdraws (409).",
  rateLimit: "MONEY_RATE_LIMIT",
  // The ledger stores each transfer's outcome: a repeat is rebuilt from it (lib/idempotency.ts).
  idempotency: "effect",
  request: { params: IdParam("wallet_id") },
  body: z.strictObject({
    direction: z.enum(["CREDIT", "DEBIT"]),
    amount: amountSchema(),
    reason: textSchema().openapi({ example: "Refund of a duplicated card fee" }),
  }),
  responses: {
    201: jsonResponse(
      z.object({ wallet: WalletSchema, transaction: TransactionSchema }),
      "The wallet after the adjustment and its transaction",
    ),
  },
  errors: ["NOT_FOUND", "INSUFFICIENT_FUNDS"],
});

/** One or more actions, repeated or comma-separated: a string or an array of strings in the query. */
const AuditActionFilter = z
  .preprocess(
    (value) => [
      ...new Set(
        (Array.isArray(value) ? value : [value])
          .flatMap((item) => String(item).split(","))
          .map((item) => item.trim())
          .filter((item) => item !== ""),
      ),
    ],
    z.array(z.enum(AUDIT_ACTIONS)).min(1),
  )
  .optional()
  .openapi({
    param: { name: "action", in: "query", style: "form", explode: true },
    description: "Only entries of these actions (repeat the parameter, or separate them with commas)",
    example: ["loan.approve", "loan.reject"],
  });

export const AuditEntrySchema = z
  .object({
    entry_id: z.string(),
    admin_user_id: z.string().nullable().openapi({ description: '"operator" for a role change made out of band; null if unknown' }),
    admin_email: z.string().nullable().openapi({
      description: "The email of the admin_user_id's account; null for the operator or an account that no longer exists",
      example: "admin@example.com",
    }),
    action: z.string().openapi({
      description: AUDIT_ACTIONS.join(", "),
      example: "wallet.adjust",
    }),
    target: z.string().openapi({ example: "wallet:4b1c6a52-3f0e-4c1b-9a1e-0c5d2c7e8f10" }),
    details: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .openapi("AuditEntry");

export const listAuditLog = adminRoute({
  method: "get",
  path: "/admin/audit-log",
  operationId: "listAuditLog",
  tags,
  summary: "Every admin action, newest first",
  description:
    "`action` keeps only the entries of those actions, repeated (`?action=loan.approve&action=loan.reject`) or " +
    "comma-separated (`?action=loan.approve,loan.reject`); the cursor pages through the filtered list.",
  request: { query: PageQuery.extend({ action: AuditActionFilter }) },
  responses: {
    200: jsonResponse(z.object({ entries: z.array(AuditEntrySchema), next_cursor: z.string().nullable() }), "One page"),
  },
});

export const ledgerProof = adminRoute({
  method: "get",
  path: "/admin/ledger",
  operationId: "getLedgerProof",
  tags,
  summary: "The conservation proof: the money in every wallet and goal against the counterparty totals",
  description:
    "Sums every wallet's ledger: `wallets` is the posted balances (`held` is part of it, shown apart), `goals` the " +
    "savings pockets, and each counterparty's `balance` the net it has moved INTO the wallets (funding positive, " +
    "payouts and merchants negative, `loans` = disbursed − repaid). `in_transit` is money a transfer has taken from " +
    'its sender but not yet credited to its recipient. `difference` = wallets + goals + in_transit − Σ counterparties: "0.00" ' +
    "in a healthy system, at any moment. Reads every wallet's ledger (O(wallets)).",
  responses: {
    200: jsonResponse(
      z.object({
        checked_at: z.string(),
        wallets: moneyString,
        goals: moneyString,
        held: moneyString,
        counterparties: z.array(
          z.object({
            account: z.string().openapi({ example: "funding" }),
            balance: moneyString.openapi({ description: "Net moved into the wallets (negative: out of them)" }),
          }),
        ),
        in_transit: moneyString,
        difference: moneyString.openapi({ example: "0.00" }),
      }),
      "The proof",
    ),
  },
});

const ClockSchema = z.object({ now: z.string(), offset_seconds: z.number().int() }).openapi("Clock");

export const getClock = adminRoute({
  method: "get",
  path: "/admin/clock",
  operationId: "getClock",
  tags,
  summary: "The clock every date rule reads (only where TEST_CLOCK is true; 404 in production)",
  responses: { 200: jsonResponse(ClockSchema, "Now, and how far the test clock is ahead of real time") },
  errors: ["NOT_FOUND"],
});

export const advanceClock = adminRoute({
  method: "post",
  path: "/admin/clock/advance",
  operationId: "advanceClock",
  tags,
  summary: "Move the test clock forward (only where TEST_CLOCK is true; 404 in production)",
  description:
    "Answers once every due date, interest charge, autopay request and late fee up to the new now has been processed; autopay debits then finish through the repayment saga. " +
    "Due work that still waits on a saga after 20 seconds (an autopay debit that has not come back) is left to the cron (every minute) and the next advance: the answer is then 202 with `settled: false`.",
  body: z.strictObject({ days: z.number().int().min(1).max(400) }),
  responses: {
    200: jsonResponse(z.object({ now: z.string(), settled: z.literal(true) }), "The new now; everything due up to it is processed"),
    202: jsonResponse(
      z.object({ now: z.string(), settled: z.literal(false) }),
      "The new now; some due work still waits on a saga and finishes in the background",
    ),
  },
  errors: ["NOT_FOUND"],
});
