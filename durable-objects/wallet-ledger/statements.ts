/**
 * The reads a monthly statement is built from (workers/statements). Both run on the entries' time
 * index (`entries_by_time`, on created_at and seq): entry times never go back, so time order is
 * chain order, and a month is one range of that index.
 */
import { GENESIS_HASH } from "../../workers/domain/ledger-hash";
import type { LedgerTransaction } from "../wallet-ledger.types";
import { type EntryRow, toTransaction } from "./wallet";

/** A statement holds at most this many transactions: the read stays bounded (README: Statements). */
export const MAX_STATEMENT_TRANSACTIONS = 5000;

export type PeriodEntries = {
  currency: string;
  /** The chain just before `from`: the last earlier entry's hash and balance (genesis and 0 before the first). */
  openingHash: string;
  openingBalance: number;
  /** Entries in [from, to), oldest first. */
  transactions: LedgerTransaction[];
  /** True when the range holds more than MAX_STATEMENT_TRANSACTIONS entries (only the first ones are returned). */
  truncated: boolean;
};

type Head = { hash: string; balance_after: number };

const lastBefore = (sql: SqlStorage, time: string): Head | undefined =>
  sql
    .exec<Head>("SELECT hash, balance_after FROM entries WHERE created_at < ? ORDER BY created_at DESC, seq DESC LIMIT 1", time)
    .toArray()[0];

export function periodEntries(sql: SqlStorage, wallet: { wallet_id: string; currency: string }, from: string, to: string): PeriodEntries {
  const opening = lastBefore(sql, from);
  const rows = sql
    .exec<EntryRow>(
      "SELECT * FROM entries WHERE created_at >= ? AND created_at < ? ORDER BY created_at, seq LIMIT ?",
      from,
      to,
      MAX_STATEMENT_TRANSACTIONS + 1,
    )
    .toArray();
  return {
    currency: wallet.currency,
    openingHash: opening?.hash ?? GENESIS_HASH,
    openingBalance: opening?.balance_after ?? 0,
    transactions: rows.slice(0, MAX_STATEMENT_TRANSACTIONS).map((row) => toTransaction(row, wallet.wallet_id)),
    truncated: rows.length > MAX_STATEMENT_TRANSACTIONS,
  };
}

export type ActivePeriod = { period: string; opening_balance: number; closing_balance: number };

const monthAfter = (time: string): string => {
  const d = new Date(time);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString();
};

/**
 * The months with at least one entry, newest first, with the balance before and after each. One
 * index seek per month (the next entry at or after the month's end), never a scan of the entries.
 */
export function activePeriods(sql: SqlStorage, limit = 1200): ActivePeriod[] {
  const periods: ActivePeriod[] = [];
  let opening = 0;
  let cursor = "";
  while (periods.length < limit) {
    const first = sql
      .exec<{ created_at: string }>("SELECT created_at FROM entries WHERE created_at >= ? ORDER BY created_at, seq LIMIT 1", cursor)
      .toArray()[0];
    if (!first) break;
    const end = monthAfter(first.created_at);
    const closing = lastBefore(sql, end)?.balance_after ?? opening;
    periods.push({ period: first.created_at.slice(0, 7), opening_balance: opening, closing_balance: closing });
    opening = closing;
    cursor = end;
  }
  return periods.reverse();
}
