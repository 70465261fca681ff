import type { LedgerTransaction, PocketMoveRequest, PocketOutcome, PocketRetargetOutcome, PocketView } from "../wallet-ledger.types";
import { appendEntry, type FaultPoint, Refusal } from "./transfers";
import { requireWallet, setBalance, snapshot, type WalletRow } from "./wallet";

export type PocketAddRequest = PocketMoveRequest & { target: number };
export type PocketReleaseRequest = PocketMoveRequest & { mode: "redeem" | "close"; target: number };

export function pocketView(sql: SqlStorage, goalId: string): PocketView | undefined {
  return sql.exec<PocketView>("SELECT goal_id, amount, status, target, version FROM pockets WHERE goal_id = ?", goalId).toArray()[0];
}

function requirePocket(sql: SqlStorage, goalId: string): PocketView {
  const pocket = pocketView(sql, goalId);
  if (!pocket) throw new Error("pocket not found");
  return pocket;
}

/** The goal's pocket, created empty on first use. */
function ensurePocket(sql: SqlStorage, goalId: string, target: number, now: string): PocketView {
  sql.exec(
    "INSERT INTO pockets (goal_id, amount, status, target, updated_at) VALUES (?, 0, 'ACTIVE', ?, ?) ON CONFLICT (goal_id) DO NOTHING",
    goalId,
    target,
    now,
  );
  return requirePocket(sql, goalId);
}

const goalCounterparty = (request: PocketMoveRequest) => ({ account: `goal:${request.goalId}`, name: request.goalName ?? "Savings goal" });

export const pocketAddFingerprint = (request: PocketAddRequest) =>
  JSON.stringify({ op: "POCKET_ADD", goal: request.goalId, amount: request.amount });

export const pocketReleaseFingerprint = (request: PocketReleaseRequest) =>
  JSON.stringify({ op: `POCKET_${request.mode.toUpperCase()}`, goal: request.goalId });

/** The body of a pocket add: moves money from the spendable balance into the goal's pocket. */
export function addToPocket(sql: SqlStorage, request: PocketAddRequest, fault: FaultPoint, wallet: WalletRow): PocketOutcome {
  const pocket = ensurePocket(sql, request.goalId, request.target, request.now);
  if (pocket.status !== "ACTIVE") throw new Refusal({ ok: false, code: "INVALID_STATE", wallet: snapshot(sql, wallet) });
  const amount = request.amount ?? 0;
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error("amount must be positive cents");
  const balanceAfter = wallet.balance - amount;
  if (balanceAfter - wallet.held < 0) throw new Refusal({ ok: false, code: "INSUFFICIENT_FUNDS", wallet: snapshot(sql, wallet) });
  setBalance(sql, balanceAfter, request.now);
  sql.exec(
    "UPDATE pockets SET amount = amount + ?, version = version + 1, updated_at = ? WHERE goal_id = ?",
    amount,
    request.now,
    request.goalId,
  );
  fault("pocket-after-update");
  const transaction = appendEntry(sql, {
    transferId: request.transferId,
    type: "SAVINGS_ADD",
    direction: "DEBIT",
    amount,
    balanceAfter,
    description: request.description ?? null,
    counterparty: goalCounterparty(request),
    referenceId: request.goalId,
    now: request.now,
  });
  return {
    ok: true,
    wallet: snapshot(sql, requireWallet(sql)),
    pocket: requirePocket(sql, request.goalId),
    transaction,
  };
}

/**
 * The body of a pocket release: empties it back into the spendable balance. `redeem` requires the
 * pocket to have reached its target and leaves it REDEEMED; `close` (goal deletion) works at any amount.
 */
export function releasePocket(sql: SqlStorage, request: PocketReleaseRequest, fault: FaultPoint, wallet: WalletRow): PocketOutcome {
  const pocket = ensurePocket(sql, request.goalId, request.target, request.now);
  if (pocket.status !== "ACTIVE") throw new Refusal({ ok: false, code: "INVALID_STATE", wallet: snapshot(sql, wallet) });
  if (request.mode === "redeem" && pocket.amount < pocket.target) {
    throw new Refusal({ ok: false, code: "GOAL_NOT_REACHED", wallet: snapshot(sql, wallet), pocket });
  }
  const amount = pocket.amount;
  const balanceAfter = wallet.balance + amount;
  const status = request.mode === "redeem" ? "REDEEMED" : "CLOSED";
  sql.exec(
    "UPDATE pockets SET amount = 0, status = ?, version = version + 1, updated_at = ? WHERE goal_id = ?",
    status,
    request.now,
    request.goalId,
  );
  let transaction: LedgerTransaction | null = null;
  if (amount > 0) {
    setBalance(sql, balanceAfter, request.now);
    fault("pocket-after-update");
    transaction = appendEntry(sql, {
      transferId: request.transferId,
      type: "SAVINGS_REDEEM",
      direction: "CREDIT",
      amount,
      balanceAfter,
      description: request.description ?? null,
      counterparty: goalCounterparty(request),
      referenceId: request.goalId,
      now: request.now,
    });
  }
  return {
    ok: true,
    wallet: snapshot(sql, requireWallet(sql)),
    pocket: requirePocket(sql, request.goalId),
    transaction,
    released: amount,
  };
}

/** Inside the caller's transaction: changes a goal's target unless the pocket already holds more. */
export function retargetPocket(sql: SqlStorage, request: { goalId: string; target: number; now: string }): PocketRetargetOutcome {
  const pocket = ensurePocket(sql, request.goalId, request.target, request.now);
  if (pocket.status !== "ACTIVE") return { ok: false, code: "INVALID_STATE", pocket };
  if (request.target < pocket.amount) return { ok: false, code: "BELOW_CURRENT", pocket };
  sql.exec(
    "UPDATE pockets SET target = ?, version = version + 1, updated_at = ? WHERE goal_id = ?",
    request.target,
    request.now,
    request.goalId,
  );
  return { ok: true, pocket: requirePocket(sql, request.goalId) };
}
