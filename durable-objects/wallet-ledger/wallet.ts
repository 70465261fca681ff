import type { LedgerTransaction, ListTransactionsQuery, TransactionPage, WalletSnapshot } from "../wallet-ledger.types";

export type WalletRow = {
  wallet_id: string;
  user_id: string;
  currency: string;
  balance: number;
  created_at: string;
  updated_at: string;
};

/** A row of `entries`: a transaction without its wallet id (one wallet per object), plus its order and transfer. */
export type EntryRow = Omit<LedgerTransaction, "wallet_id"> & { seq: number; transfer_id: string };

export function walletRow(sql: SqlStorage): WalletRow | undefined {
  return sql.exec<WalletRow>("SELECT wallet_id, user_id, currency, balance, created_at, updated_at FROM wallet WHERE id = 1").toArray()[0];
}

export function requireWallet(sql: SqlStorage): WalletRow {
  const row = walletRow(sql);
  if (!row) throw new Error("wallet ledger is not open");
  return row;
}

export function insertWallet(sql: SqlStorage, walletId: string, userId: string, currency: string, now: string): void {
  sql.exec(
    "INSERT INTO wallet (id, wallet_id, user_id, currency, balance, created_at, updated_at) VALUES (1, ?, ?, ?, 0, ?, ?)",
    walletId,
    userId,
    currency,
    now,
    now,
  );
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
    balance: row.balance,
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
    reference_id: row.reference_id,
    created_at: row.created_at,
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
