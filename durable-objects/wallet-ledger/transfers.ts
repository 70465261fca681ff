import type {
  Counterparty,
  LedgerOutcome,
  LedgerTransaction,
  MoveOutcome,
  MoveRequest,
  PocketView,
  RefusalCode,
  TransactionType,
  WalletSnapshot,
} from "../wallet-ledger.types";
import { checkCounterparty, impliedCounterparty } from "./counterparty";
import { writeOutcomeEvent } from "./outbox";
import { chainHash, requireWallet, setBalance, snapshot, type WalletRow } from "./wallet";

/** Test seam: called at named points inside ledger transactions; throwing rolls the transaction back. */
export type FaultPoint = (point: string) => void;

/** Raised inside a transaction to roll it back with a refusal that is still stored as the outcome. */
export class Refusal extends Error {
  constructor(readonly outcome: { ok: false; code: RefusalCode; wallet?: WalletSnapshot; pocket?: PocketView }) {
    super("refused");
  }
}

/** The stored request of a transfer the saga gave up on: matches any later attempt, which replays the refusal. */
const ABANDONED = "*";

export type KeyedTransfer = {
  transferId: string;
  /** What the transfer id was first used for: a reuse for anything else is a conflict. */
  fingerprint: string;
  now: string;
  events: MoveRequest["events"];
};

/**
 * Runs one keyed transfer exactly once, inside the caller's transaction. A replayed transfer id
 * returns the stored outcome, refusals included; a transfer id reused for a different request is
 * refused. `wroteOutbox`: an outcome event was written, so the caller must drain the outbox.
 */
export function runKeyedTransfer<T extends LedgerOutcome>(
  sql: SqlStorage,
  transfer: KeyedTransfer,
  fault: FaultPoint,
  body: () => T,
): { outcome: T; wroteOutbox: boolean } {
  const { transferId, fingerprint, now, events } = transfer;
  const stored = sql
    .exec<{ request: string; outcome: string }>("SELECT request, outcome FROM transfers WHERE transfer_id = ?", transferId)
    .toArray()[0];
  if (stored) {
    if (stored.request !== fingerprint && stored.request !== ABANDONED)
      return { outcome: { ok: false, code: "TRANSFER_CONFLICT" } as T, wroteOutbox: false };
    const replayed: T = { ...(JSON.parse(stored.outcome) as T), replayed: true };
    const wroteOutbox = events?.reemitOnReplay ? writeOutcomeEvent(sql, events, replayed, now) : false;
    return { outcome: replayed, wroteOutbox };
  }
  let result: T;
  try {
    result = body();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    result = error.outcome as T;
  }
  const wroteOutbox = writeOutcomeEvent(sql, events, result, now);
  fault("before-commit");
  sql.exec(
    "INSERT INTO transfers (transfer_id, request, outcome, created_at) VALUES (?, ?, ?, ?)",
    transferId,
    fingerprint,
    JSON.stringify(result),
    now,
  );
  return { outcome: { ...result, replayed: false }, wroteOutbox };
}

/** The stored outcome of a transfer, marked as a replay, or null when it has not happened (yet). */
export function storedOutcome(sql: SqlStorage, transferId: string): MoveOutcome | null {
  const stored = sql.exec<{ outcome: string }>("SELECT outcome FROM transfers WHERE transfer_id = ?", transferId).toArray()[0];
  return stored ? { ...(JSON.parse(stored.outcome) as MoveOutcome), replayed: true } : null;
}

/**
 * Inside the caller's transaction: the stored outcome if the transfer ran, or an ABANDONED refusal
 * stored now so that a late delivery can never run it.
 */
export function abandon(sql: SqlStorage, transferId: string, now: string): MoveOutcome {
  const stored = storedOutcome(sql, transferId);
  if (stored) return stored;
  const outcome: MoveOutcome = { ok: false, code: "ABANDONED" };
  sql.exec(
    "INSERT INTO transfers (transfer_id, request, outcome, created_at) VALUES (?, ?, ?, ?)",
    transferId,
    ABANDONED,
    JSON.stringify(outcome),
    now,
  );
  return { ...outcome, replayed: false };
}

export function moveFingerprint(request: MoveRequest, direction: "CREDIT" | "DEBIT"): string {
  return JSON.stringify({ op: direction, amount: request.amount, type: request.type, reference: request.referenceId ?? null });
}

/** The body of a credit or debit: checks funds, writes the balance and its entry. */
export function applyMove(
  sql: SqlStorage,
  request: MoveRequest,
  direction: "CREDIT" | "DEBIT",
  fault: FaultPoint,
  wallet: WalletRow,
): MoveOutcome {
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0) throw new Error("amount must be positive cents");
  const balanceAfter = direction === "CREDIT" ? wallet.balance + request.amount : wallet.balance - request.amount;
  // Spending reads the available balance: money reserved by holds cannot be spent twice.
  if (balanceAfter - wallet.held < 0) {
    throw new Refusal({ ok: false, code: "INSUFFICIENT_FUNDS", wallet: snapshot(sql, wallet) });
  }
  setBalance(sql, balanceAfter, request.now);
  fault("after-balance");
  const transaction = appendEntry(
    sql,
    {
      transferId: request.transferId,
      type: request.type,
      direction,
      amount: request.amount,
      balanceAfter,
      description: request.description ?? null,
      counterparty: request.counterparty,
      referenceId: request.referenceId ?? null,
      now: request.now,
    },
    wallet,
  );
  fault("after-entry");
  // The row just written, without reading it back (the hot path of every credit and debit).
  return { ok: true, wallet: snapshot(sql, { ...wallet, balance: balanceAfter, updated_at: request.now }), transaction };
}

export type NewEntry = {
  transferId: string;
  type: TransactionType;
  direction: "CREDIT" | "DEBIT";
  amount: number;
  balanceAfter: number;
  description: string | null;
  /** The other side; omitted, the one the type implies (counterparty.ts). */
  counterparty?: Counterparty | undefined;
  referenceId: string | null;
  now: string;
};

/**
 * Appends one entry (the table refuses updates and deletes), chained to the one before it: its hash
 * covers the previous hash and its own fields, and the wallet's head moves to it in the same
 * transaction. Its time is never before the previous entry's, so time order is entry order.
 */
export function appendEntry(sql: SqlStorage, entry: NewEntry, wallet: WalletRow = requireWallet(sql)): LedgerTransaction {
  const counterparty = checkCounterparty(entry.counterparty ?? impliedCounterparty(entry.type, entry.referenceId, entry.description));
  const createdAt = wallet.head_at !== null && wallet.head_at > entry.now ? wallet.head_at : entry.now;
  const unhashed: LedgerTransaction = {
    transaction_id: crypto.randomUUID(),
    wallet_id: wallet.wallet_id,
    type: entry.type,
    direction: entry.direction,
    amount: entry.amount,
    balance_after: entry.balanceAfter,
    description: entry.description,
    counterparty,
    reference_id: entry.referenceId,
    created_at: createdAt,
    hash: "",
  };
  const transaction = { ...unhashed, hash: chainHash(wallet.head_hash, unhashed) };
  sql.exec(
    `INSERT INTO entries (transaction_id, transfer_id, type, direction, amount, balance_after, description,
                          counterparty_account, counterparty_name, reference_id, created_at, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    transaction.transaction_id,
    entry.transferId,
    transaction.type,
    transaction.direction,
    transaction.amount,
    transaction.balance_after,
    transaction.description,
    counterparty.account,
    counterparty.name,
    transaction.reference_id,
    createdAt,
    transaction.hash,
  );
  sql.exec("UPDATE wallet SET head_hash = ?, head_at = ? WHERE id = 1", transaction.hash, createdAt);
  return transaction;
}
