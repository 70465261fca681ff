import { z } from "@hono/zod-openapi";
import { jsonResponse } from "../lib/app";
import { moneyString } from "../lib/money";
import { adminRoute } from "../lib/routes";

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
  errors: ["NOT_FOUND"],
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
