import type { LedgerTotals, TransactionType } from "../wallet-ledger.types";
import { heldByHolds } from "./holds";
import { pocketTotal, type WalletRow } from "./wallet";

export type LedgerAudit = {
  balance: number;
  pockets: number;
  entriesNet: number;
  pocketsFromEntries: number;
  entryCount: number;
  /** `wallet.held` and what the active holds add up to: equal in a sound ledger. */
  held: number;
  heldByHolds: number;
};

export type SagaEntry = { type: TransactionType; reference_id: string; amount: number; count: number };

/** A saga entry per counterparty account it names (reconciliation checks each names the right one). */
export type CounterpartySagaEntry = SagaEntry & { counterparty_account: string };

/**
 * Recomputes the balances from the entries. In a sound ledger `balance == entriesNet` and
 * `pockets == pocketsFromEntries` (a savings add is a wallet DEBIT, a redeem or close a CREDIT).
 */
export function audit(sql: SqlStorage, wallet: WalletRow): LedgerAudit {
  const sums = sql
    .exec<{ net: number | null; pockets: number | null; n: number }>(
      `SELECT SUM(CASE direction WHEN 'CREDIT' THEN amount ELSE -amount END) AS net,
              SUM(CASE type WHEN 'SAVINGS_ADD' THEN amount WHEN 'SAVINGS_REDEEM' THEN -amount ELSE 0 END) AS pockets,
              COUNT(*) AS n
       FROM entries`,
    )
    .one();
  return {
    balance: wallet.balance,
    pockets: pocketTotal(sql),
    entriesNet: sums.net ?? 0,
    pocketsFromEntries: sums.pockets ?? 0,
    entryCount: sums.n,
    held: wallet.held,
    heldByHolds: heldByHolds(sql),
  };
}

/** The entries a reconciliation compares with D1: every saga movement, keyed by its reference. */
export function sagaEntries(sql: SqlStorage): SagaEntry[] {
  return sql
    .exec<SagaEntry>(
      `SELECT type, reference_id, SUM(amount) AS amount, COUNT(*) AS count FROM entries
       WHERE reference_id IS NOT NULL GROUP BY type, reference_id`,
    )
    .toArray();
}

/** As `sagaEntries`, split by the counterparty account each entry names. */
export function sagaEntriesByCounterparty(sql: SqlStorage): CounterpartySagaEntry[] {
  return sql
    .exec<CounterpartySagaEntry>(
      `SELECT type, reference_id, counterparty_account, SUM(amount) AS amount, COUNT(*) AS count FROM entries
       WHERE reference_id IS NOT NULL GROUP BY type, reference_id, counterparty_account`,
    )
    .toArray();
}

/**
 * The wallet's side of the conservation proof: its money (posted, held, in pockets) and, from the
 * entries, the net each counterparty account moved into it. Every `loan:` account is summed as
 * `loans`, every `goal:` account as `goals` (the pockets are their other side) and every `wallet:`
 * account as `wallets` (transfers).
 */
export function totals(sql: SqlStorage, wallet: WalletRow): LedgerTotals {
  const accounts = sql
    .exec<{ account: string; net: number }>(
      `SELECT CASE WHEN counterparty_account LIKE 'loan:%' THEN 'loans'
                   WHEN counterparty_account LIKE 'goal:%' THEN 'goals'
                   WHEN counterparty_account LIKE 'wallet:%' THEN 'wallets'
                   ELSE counterparty_account END AS account,
              SUM(CASE direction WHEN 'CREDIT' THEN amount ELSE -amount END) AS net
       FROM entries GROUP BY 1 ORDER BY 1`,
    )
    .toArray();
  return { balance: wallet.balance, held: wallet.held, pockets: pocketTotal(sql), accounts };
}
