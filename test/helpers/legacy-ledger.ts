/** The ledger's schema as the code before versioning created it (frozen here: migration 1 must keep matching it). */
export const PRE_VERSIONING_SCHEMA = `
CREATE TABLE IF NOT EXISTS wallet (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  wallet_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  balance INTEGER NOT NULL CHECK (balance >= 0),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pockets (
  goal_id TEXT PRIMARY KEY,
  amount INTEGER NOT NULL CHECK (amount >= 0),
  status TEXT NOT NULL CHECK (status IN ('ACTIVE', 'REDEEMED', 'CLOSED')),
  target INTEGER NOT NULL CHECK (target > 0),
  version INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL UNIQUE,
  transfer_id TEXT NOT NULL,
  type TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('CREDIT', 'DEBIT')),
  amount INTEGER NOT NULL CHECK (amount > 0),
  balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
  description TEXT,
  reference_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_by_type ON entries (type, seq);
CREATE INDEX IF NOT EXISTS entries_by_reference ON entries (reference_id, seq);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TABLE IF NOT EXISTS transfers (
  transfer_id TEXT PRIMARY KEY,
  request TEXT NOT NULL,
  outcome TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
`;

const V1_COLUMNS = {
  wallet: ["id", "wallet_id", "user_id", "currency", "balance", "created_at", "updated_at"],
  pockets: ["goal_id", "amount", "status", "target", "version", "updated_at"],
  entries: [
    "seq",
    "transaction_id",
    "transfer_id",
    "type",
    "direction",
    "amount",
    "balance_after",
    "description",
    "reference_id",
    "created_at",
  ],
  transfers: ["transfer_id", "request", "outcome", "created_at"],
  outbox: ["seq", "queue", "body", "attempts", "created_at"],
} as const;

/**
 * Turns a wallet's storage back into what the code before versioning wrote: the version-1 tables
 * holding the same rows without the columns added since, and no record of any migration. What a
 * wallet created by that code looks like when the new code first opens it.
 */
export function rewindToPreVersioning(sql: SqlStorage): void {
  const rows = Object.fromEntries(
    Object.entries(V1_COLUMNS).map(([table, columns]) => [table, sql.exec(`SELECT ${columns.join(", ")} FROM ${table}`).toArray()]),
  );
  for (const { type, name } of sql.exec<{ type: string; name: string }>("SELECT type, name FROM sqlite_master").toArray()) {
    if (type === "table" && name !== "sqlite_sequence" && !name.startsWith("_cf")) sql.exec(`DROP TABLE ${name}`);
  }
  sql.exec(PRE_VERSIONING_SCHEMA);
  for (const [table, columns] of Object.entries(V1_COLUMNS)) {
    for (const row of rows[table] ?? []) {
      sql.exec(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
        ...columns.map((c) => row[c] as SqlStorageValue),
      );
    }
  }
}
