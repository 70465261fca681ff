import type { Migration } from "../schema-migrations";
import type { Counterparty, LedgerTransaction, WalletSnapshot } from "../wallet-ledger.types";
import { impliedCounterparty } from "./counterparty";
import { chainHash, type EntryRow, toTransaction } from "./wallet";

/**
 * What migration 2 needs from outside the ledger: the other side of each entry written before entries
 * named one, by reference id (a payment's merchant, a repayment's loan, a goal's name). Read from D1
 * once, when an old wallet is first opened by the new code (see migrationContext).
 */
export type MigrationContext = { counterparties: ReadonlyMap<string, Counterparty> };

const NO_CONTEXT: MigrationContext = { counterparties: new Map() };

/**
 * The ledger's schema, one migration per version. Version 1 is the schema every wallet had before
 * versioning, verbatim (see schema-migrations.ts for why it must stay idempotent). Append new
 * versions; never edit an applied one.
 */
export const ledgerMigrations = (context: MigrationContext = NO_CONTEXT): readonly Migration[] => [
  {
    version: 1,
    description: "wallet, pockets, append-only entries, transfers, outbox",
    up: `
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
`,
  },
  {
    version: 2,
    description: "double entry and verifiable history: counterparties, hash chain, wallet names, holds",
    up: (sql) => {
      sql.exec(`
        ALTER TABLE wallet ADD COLUMN name TEXT NOT NULL DEFAULT 'Main';
        ALTER TABLE wallet ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0 AND held <= balance);
        ALTER TABLE wallet ADD COLUMN head_hash TEXT NOT NULL DEFAULT '${"0".repeat(64)}';
        ALTER TABLE wallet ADD COLUMN head_at TEXT;
        ALTER TABLE entries ADD COLUMN counterparty_account TEXT;
        ALTER TABLE entries ADD COLUMN counterparty_name TEXT;
        ALTER TABLE entries ADD COLUMN hash TEXT;
        DROP TRIGGER entries_no_update;
      `);
      // The entries written before this version get the counterparty their type implies (named from
      // D1 where it knows more), then the chain is computed over them in order. Nothing else changes.
      const walletId = sql.exec<{ wallet_id: string }>("SELECT wallet_id FROM wallet WHERE id = 1").toArray()[0]?.wallet_id ?? "";
      let head = "0".repeat(64);
      let headAt = null as string | null;
      const migrated = new Map<string, LedgerTransaction>();
      for (const row of sql.exec<EntryRow>("SELECT * FROM entries ORDER BY seq").toArray()) {
        const known = row.reference_id ? context.counterparties.get(row.reference_id) : undefined;
        const counterparty = known ?? legacyCounterparty(row);
        const transaction = toTransaction(
          { ...row, counterparty_account: counterparty.account, counterparty_name: counterparty.name },
          walletId,
        );
        head = chainHash(head, transaction);
        migrated.set(transaction.transaction_id, { ...transaction, hash: head });
        headAt = headAt === null || row.created_at > headAt ? row.created_at : headAt;
        sql.exec(
          "UPDATE entries SET counterparty_account = ?, counterparty_name = ?, hash = ? WHERE seq = ?",
          counterparty.account,
          counterparty.name,
          head,
          row.seq,
        );
      }
      sql.exec("UPDATE wallet SET head_hash = ?, head_at = ?", head, headAt);
      // Stored outcomes are what replays answer (an Idempotency-Key repeat, a re-driven saga): they
      // get the shapes of this version too, so a replay after the deploy presents like a new movement.
      for (const row of sql.exec<{ transfer_id: string; outcome: string }>("SELECT transfer_id, outcome FROM transfers").toArray()) {
        const upgraded = upgradeOutcome(JSON.parse(row.outcome) as StoredOutcome, migrated);
        sql.exec("UPDATE transfers SET outcome = ? WHERE transfer_id = ?", JSON.stringify(upgraded), row.transfer_id);
      }
      sql.exec(`
        CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
          BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
        CREATE TRIGGER entries_are_chained BEFORE INSERT ON entries
          WHEN NEW.hash IS NULL OR NEW.counterparty_account IS NULL OR NEW.counterparty_name IS NULL
          BEGIN SELECT RAISE(ABORT, 'a ledger entry names its counterparty and carries its hash'); END;
        CREATE INDEX entries_by_time ON entries (created_at, seq);
      `);
    },
  },
  {
    version: 3,
    description: "holds (placed, then posted or released once) and refunds with their running total",
    up: `
CREATE TABLE holds (
  hold_id TEXT PRIMARY KEY,
  reference_id TEXT NOT NULL UNIQUE,
  amount INTEGER NOT NULL CHECK (amount > 0),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ACTIVE', 'POSTED', 'RELEASED')),
  captured INTEGER NOT NULL DEFAULT 0 CHECK (captured >= 0 AND captured <= amount),
  release_reason TEXT CHECK (release_reason IN ('CANCELED', 'EXPIRED')),
  on_expire TEXT,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  settled_at TEXT
);
CREATE INDEX holds_by_expiry ON holds (status, expires_at);
CREATE TRIGGER holds_settle_once BEFORE UPDATE ON holds WHEN OLD.status <> 'ACTIVE'
  BEGIN SELECT RAISE(ABORT, 'a hold is posted or released once'); END;
CREATE TRIGGER holds_no_delete BEFORE DELETE ON holds
  BEGIN SELECT RAISE(ABORT, 'holds are kept'); END;
CREATE TABLE refunds (
  refund_id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  reason TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX refunds_by_payment ON refunds (payment_id);
CREATE TRIGGER refunds_no_change BEFORE UPDATE ON refunds
  BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;
CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds
  BEGIN SELECT RAISE(ABORT, 'refunds are append-only'); END;
`,
  },
];

/** The schema every new wallet is created with and every old one is migrated to. */
export const LEDGER_MIGRATIONS = ledgerMigrations();

type StoredOutcome = { wallet?: Partial<WalletSnapshot> & { balance: number }; transaction?: { transaction_id: string } | null };

/** A stored outcome of version 1 in the shapes of version 2: the wallet with its name and holds, the entry as migrated. */
function upgradeOutcome(outcome: StoredOutcome, migrated: ReadonlyMap<string, LedgerTransaction>): StoredOutcome {
  const upgraded = { ...outcome };
  if (outcome.wallet && outcome.wallet.name === undefined) {
    const { wallet_id, user_id, balance, savings_balance, currency, created_at, updated_at } = outcome.wallet;
    upgraded.wallet = {
      wallet_id,
      user_id,
      name: "Main",
      balance,
      held_balance: 0,
      available_balance: balance,
      savings_balance,
      currency,
      created_at,
      updated_at,
    };
  }
  const transaction = outcome.transaction ? migrated.get(outcome.transaction.transaction_id) : undefined;
  if (transaction) upgraded.transaction = transaction;
  return upgraded;
}

/**
 * An entry written before counterparties existed, that D1 knows nothing about: the side its type
 * implies. A repayment's reference is the repayment, not its loan, so its loan account is named
 * after the repayment only when D1 has no record of it (a repayment always has one).
 */
function legacyCounterparty(row: EntryRow): Counterparty {
  if (row.type === "LOAN_REPAYMENT") return { account: `loan:${row.reference_id ?? "unknown"}`, name: "Loan" };
  return impliedCounterparty(row.type, row.reference_id, row.description);
}

/**
 * The counterparties D1 knows for a wallet's old entries: merchants of its payments, loans of its
 * repayments and disbursements, names of its goals. Read once, before migration 2 runs on a
 * wallet that has entries; these are the services' own records, read here and nowhere else.
 */
export async function migrationContext(db: D1Database, walletId: string): Promise<MigrationContext> {
  const [payments, repayments, loans, goals] = await db.batch<Record<string, string | null>>([
    db.prepare("SELECT payment_id AS id, merchant AS name FROM payments WHERE wallet_id = ?").bind(walletId),
    db.prepare("SELECT repayment_id AS id, loan_id AS loan, NULL AS name FROM repayments WHERE wallet_id = ?").bind(walletId),
    db.prepare("SELECT loan_id AS id, loan_id AS loan, NULL AS name FROM loans WHERE wallet_id = ?").bind(walletId),
    db.prepare("SELECT goal_id AS id, goal_name AS name FROM savings_goals WHERE wallet_id = ?").bind(walletId),
  ]);
  const counterparties = new Map<string, Counterparty>();
  const add = (
    rows: Record<string, string | null>[] | undefined,
    account: (row: Record<string, string | null>) => string,
    fallback: string,
  ) => {
    for (const row of rows ?? [])
      if (row.id) counterparties.set(row.id, { account: account(row), name: (row.name || fallback).slice(0, 200) });
  };
  add(payments?.results, () => "merchants", "Merchant");
  add(repayments?.results, (row) => `loan:${row.loan}`, "Loan");
  add(loans?.results, (row) => `loan:${row.loan}`, "Loan");
  add(goals?.results, (row) => `goal:${row.id}`, "Savings goal");
  return { counterparties };
}

/** Whether this object holds a wallet (was ever opened). Read-only, so probing an id writes nothing. */
export function hasLedger(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'wallet'").toArray().length > 0;
}
