import { createHash } from "node:crypto";
import { hashInput } from "../../workers/domain/ledger-hash";
import type { BalanceAsOf, LedgerTransaction, ListTransactionsQuery, TransactionPage, WalletSnapshot } from "../wallet-ledger.types";
import { presentTransaction } from "./presenters";

export type WalletRow = {
  wallet_id: string;
  user_id: string;
  name: string;
  currency: string;
  balance: number;
  held: number;
  /** The hash of the last entry (the genesis hash before the first): what the next entry chains from. */
  head_hash: string;
  /** The time of the last entry: entries are never dated before it, so time order is entry order. */
  head_at: string | null;
  created_at: string;
  updated_at: string;
};

/** A row of `entries`: a transaction without its wallet id (one wallet per object), plus its order and transfer. */
export type EntryRow = Omit<LedgerTransaction, "wallet_id" | "counterparty"> & {
  seq: number;
  transfer_id: string;
  counterparty_account: string;
  counterparty_name: string;
};

export function walletRow(sql: SqlStorage): WalletRow | undefined {
  return sql
    .exec<WalletRow>(
      "SELECT wallet_id, user_id, name, currency, balance, held, head_hash, head_at, created_at, updated_at FROM wallet WHERE id = 1",
    )
    .toArray()[0];
}

export function requireWallet(sql: SqlStorage): WalletRow {
  const row = walletRow(sql);
  if (!row) throw new Error("wallet ledger is not open");
  return row;
}

export function insertWallet(sql: SqlStorage, walletId: string, userId: string, currency: string, name: string, now: string): void {
  sql.exec(
    "INSERT INTO wallet (id, wallet_id, user_id, name, currency, balance, created_at, updated_at) VALUES (1, ?, ?, ?, ?, 0, ?, ?)",
    walletId,
    userId,
    name,
    currency,
    now,
    now,
  );
}

export function renameWallet(sql: SqlStorage, name: string, now: string): void {
  sql.exec("UPDATE wallet SET name = ?, updated_at = ? WHERE id = 1", name, now);
}

/** SHA-256 (hex) of the previous hash and the transaction's canonical JSON (workers/domain/ledger-hash.ts). */
export function chainHash(previousHash: string, transaction: LedgerTransaction): string {
  return createHash("sha256")
    .update(hashInput(previousHash, presentTransaction(transaction)))
    .digest("hex");
}

export function setBalance(sql: SqlStorage, balance: number, now: string): void {
  sql.exec("UPDATE wallet SET balance = ?, updated_at = ? WHERE id = 1", balance, now);
}

/** The money held in savings pockets (part of every snapshot, as `savings_balance`). */
export function pocketTotal(sql: SqlStorage): number {
  return sql.exec<{ s: number | null }>("SELECT SUM(amount) AS s FROM pockets").one().s ?? 0;
}

export function snapshot(sql: SqlStorage, row: WalletRow): WalletSnapshot {
  return {
    wallet_id: row.wallet_id,
    user_id: row.user_id,
    name: row.name,
    balance: row.balance,
    held_balance: row.held,
    available_balance: row.balance - row.held,
    savings_balance: pocketTotal(sql),
    currency: row.currency,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toTransaction(row: EntryRow, walletId: string): LedgerTransaction {
  return {
    transaction_id: row.transaction_id,
    wallet_id: walletId,
    type: row.type,
    direction: row.direction,
    amount: row.amount,
    balance_after: row.balance_after,
    description: row.description,
    counterparty: { account: row.counterparty_account, name: row.counterparty_name },
    reference_id: row.reference_id,
    created_at: row.created_at,
    hash: row.hash,
  };
}

export function listTransactions(sql: SqlStorage, walletId: string, query: ListTransactionsQuery): TransactionPage {
  const conditions: string[] = [];
  const params: (string | number)[] = [];
  if (query.beforeSeq !== undefined) {
    conditions.push("seq < ?");
    params.push(query.beforeSeq);
  }
  if (query.type) {
    conditions.push("type = ?");
    params.push(query.type);
  }
  if (query.referenceId) {
    conditions.push("reference_id = ?");
    params.push(query.referenceId);
  }
  if (query.from !== undefined) {
    conditions.push("created_at >= ?");
    params.push(query.from);
  }
  if (query.to !== undefined) {
    conditions.push("created_at <= ?");
    params.push(query.to);
  }
  if (query.q) {
    // Case-insensitive (ASCII) substring of the description or the counterparty's name; the LIKE
    // wildcards in the text are matched literally.
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push("(description LIKE ? ESCAPE '\\' OR counterparty_name LIKE ? ESCAPE '\\')");
    params.push(pattern, pattern);
  }
  const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
  const rows = sql.exec<EntryRow>(`SELECT * FROM entries ${where} ORDER BY seq DESC LIMIT ?`, ...params, query.limit + 1).toArray();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    transactions: page.map((row) => toTransaction(row, walletId)),
    nextSeq: rows.length > query.limit && last ? last.seq : null,
  };
}

/** All entries referring to one business id (payment, loan, repayment, goal). */
export function entriesFor(sql: SqlStorage, walletId: string, referenceId: string): LedgerTransaction[] {
  return sql
    .exec<EntryRow>("SELECT * FROM entries WHERE reference_id = ? ORDER BY seq", referenceId)
    .toArray()
    .map((row) => toTransaction(row, walletId));
}

/**
 * The posted balance just after the last entry at or before `asOf` ("0.00" before the first). Entry
 * times never go back (see WalletRow.head_at), so the last entry by time is found on the time index
 * in O(log n); a tie in time is broken by entry order.
 */
export function balanceAsOf(sql: SqlStorage, asOf: string): BalanceAsOf {
  const row = sql
    .exec<{ balance_after: number; transaction_id: string }>(
      "SELECT balance_after, transaction_id FROM entries WHERE created_at <= ? ORDER BY created_at DESC, seq DESC LIMIT 1",
      asOf,
    )
    .toArray()[0];
  return { balance: row?.balance_after ?? 0, as_of: asOf, transaction_id: row?.transaction_id ?? null };
}
