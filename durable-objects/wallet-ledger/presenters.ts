/**
 * The API's JSON shapes of a wallet and a transaction (the `Wallet` and `Transaction` schemas of
 * workers/lib/ledger.ts), as plain functions: the ledger sends them over live sockets and must not
 * pull zod or OpenAPI code into the Durable Object.
 */
import { formatCents } from "../../workers/domain/money";
import type { Counterparty, LedgerTransaction, TransactionType, WalletSnapshot } from "../wallet-ledger.types";

export type WalletView = {
  wallet_id: string;
  user_id: string;
  name: string;
  balance: string;
  held_balance: string;
  available_balance: string;
  savings_balance: string;
  currency: "USD";
  created_at: string;
  updated_at: string;
};

export type TransactionView = {
  transaction_id: string;
  wallet_id: string;
  type: TransactionType;
  direction: "CREDIT" | "DEBIT";
  amount: string;
  balance_after: string;
  description: string | null;
  counterparty: Counterparty;
  reference_id: string | null;
  created_at: string;
  hash: string;
};

export const presentWallet = (w: WalletSnapshot): WalletView => ({
  wallet_id: w.wallet_id,
  user_id: w.user_id,
  name: w.name,
  balance: formatCents(w.balance),
  held_balance: formatCents(w.held_balance),
  available_balance: formatCents(w.available_balance),
  savings_balance: formatCents(w.savings_balance),
  currency: "USD",
  created_at: w.created_at,
  updated_at: w.updated_at,
});

export const presentTransaction = (t: LedgerTransaction): TransactionView => ({
  transaction_id: t.transaction_id,
  wallet_id: t.wallet_id,
  type: t.type,
  direction: t.direction,
  amount: formatCents(t.amount),
  balance_after: formatCents(t.balance_after),
  description: t.description,
  counterparty: { account: t.counterparty.account, name: t.counterparty.name },
  reference_id: t.reference_id,
  created_at: t.created_at,
  hash: t.hash,
});

/** The live message with a wallet's balance (also the greeting of a new socket). */
export const balanceMessage = (wallet: WalletSnapshot): string => JSON.stringify({ type: "balance", wallet: presentWallet(wallet) });

/** The live messages of a committed movement: the new balance, then the transaction (if one was written). */
export function liveMessages(outcome: { wallet: WalletSnapshot; transaction?: LedgerTransaction | null }): string[] {
  const messages = [balanceMessage(outcome.wallet)];
  if (outcome.transaction) messages.push(JSON.stringify({ type: "transaction", transaction: presentTransaction(outcome.transaction) }));
  return messages;
}
