import { z } from "@hono/zod-openapi";
import { type RefusalCode, TRANSACTION_TYPES } from "../../durable-objects/wallet-ledger.types";
import { AppError, notFound } from "./errors";
import { moneyString } from "./money";

// Plain functions beside the ledger, which sends the same shapes over live sockets without zod.
export { presentTransaction, presentWallet } from "../../durable-objects/wallet-ledger/presenters";
export { TRANSACTION_TYPES };

/** The typed RPC stub of one wallet's ledger. Stubs are cheap: make a new one per use. */
export const ledgerFor = (env: Env, walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));

export const WalletSchema = z
  .object({
    wallet_id: z.string(),
    user_id: z.string(),
    name: z.string().openapi({ example: "Main" }),
    balance: moneyString.openapi({ description: "Posted: what the wallet's transactions add up to" }),
    held_balance: moneyString.openapi({ description: "Reserved by active holds" }),
    available_balance: moneyString.openapi({ description: "balance − held_balance: what can be spent" }),
    savings_balance: moneyString.openapi({ description: "Sum of the wallet's savings goals" }),
    currency: z.literal("USD"),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Wallet");

export const CounterpartySchema = z
  .object({
    account: z.string().openapi({
      description: "funding, payouts, adjustments, merchants, loan:{loan_id}, wallet:{wallet_id} or goal:{goal_id}",
      example: "merchants",
    }),
    name: z.string().openapi({ example: "Corner Cafe" }),
  })
  .openapi("Counterparty", { description: "The other side of the movement" });

export const TransactionSchema = z
  .object({
    transaction_id: z.string(),
    wallet_id: z.string(),
    type: z.enum(TRANSACTION_TYPES),
    direction: z.enum(["CREDIT", "DEBIT"]),
    amount: moneyString,
    balance_after: moneyString,
    description: z.string().nullable(),
    counterparty: CounterpartySchema,
    reference_id: z.string().nullable(),
    created_at: z.string(),
    hash: z.string().openapi({
      description:
        "SHA-256 (hex) of the previous transaction's hash (64 zeros for the first) followed by the canonical JSON of this " +
        "transaction's fields transaction_id, wallet_id, type, direction, amount, balance_after, description, counterparty, " +
        "reference_id and created_at (keys sorted at every level, no spaces, UTF-8)",
      example: "9f2c…",
    }),
  })
  .openapi("Transaction");

/** Maps a ledger refusal to the API's error; returns the success unchanged. */
export function unwrap<T extends { ok: boolean }>(outcome: T, what = "Wallet"): Extract<T, { ok: true }> {
  if (outcome.ok) return outcome as Extract<T, { ok: true }>;
  const code = (outcome as unknown as { code: RefusalCode }).code;
  switch (code) {
    case "NOT_FOUND":
      throw notFound(what);
    case "INSUFFICIENT_FUNDS":
      throw new AppError("INSUFFICIENT_FUNDS", "The wallet's balance is too low for this movement");
    case "INVALID_STATE":
      throw new AppError("INVALID_STATE", `The ${what.toLowerCase()} does not accept this operation in its current state`);
    case "GOAL_NOT_REACHED":
      throw new AppError("GOAL_NOT_REACHED", "The goal has not reached its target yet");
    case "ABANDONED":
      throw new AppError("INVALID_STATE", "This movement was abandoned and can no longer run");
    case "CAPTURE_EXCEEDS_AUTHORIZED":
      throw new AppError("CAPTURE_EXCEEDS_AUTHORIZED", "The capture is larger than the authorized amount");
    case "REFUND_EXCEEDS_CAPTURED":
      throw new AppError("REFUND_EXCEEDS_CAPTURED", "The refunds would exceed what the payment captured");
    case "TRANSFER_CONFLICT":
      throw new AppError("IDEMPOTENCY_KEY_REUSED", "This key was already used for a different movement");
  }
}
