/**
 * Holds (two-phase payments) and refunds, over the ledger's SqlStorage. A hold reserves part of the
 * posted balance (`wallet.held`), so every spending check, which reads `balance - held`, cannot spend
 * it twice. A hold leaves ACTIVE exactly once: posted (capture: one PAYMENT_OUT of the captured
 * amount, the rest released) or released (cancel, expiry). A trigger refuses any second change.
 *
 * Refunds keep their running total here, beside the money: the check "refunded + amount <= captured"
 * and the REFUND credit are one transaction, whatever races.
 */
import type {
  HoldOutcome,
  HoldView,
  LedgerTransaction,
  OutcomeEvent,
  PlaceHoldRequest,
  RefundOutcome,
  RefundRequest,
  RefundView,
  SettleHoldRequest,
} from "../wallet-ledger.types";
import { writeOutcomeEvent } from "./outbox";
import { appendEntry, type FaultPoint, Refusal } from "./transfers";
import { requireWallet, snapshot, type WalletRow } from "./wallet";

type HoldRow = HoldView & { on_expire: string | null };

const HOLD_COLUMNS = "hold_id, reference_id, amount, reason, status, captured, release_reason, expires_at, created_at, settled_at";

const view = ({ on_expire: _, ...hold }: HoldRow): HoldView => hold;

function holdRow(sql: SqlStorage, referenceId: string): HoldRow | undefined {
  return sql.exec<HoldRow>(`SELECT ${HOLD_COLUMNS}, on_expire FROM holds WHERE reference_id = ?`, referenceId).toArray()[0];
}

export const holdFor = (sql: SqlStorage, referenceId: string): HoldView | undefined => {
  const row = holdRow(sql, referenceId);
  return row ? view(row) : undefined;
};

/** Active holds, soonest expiry first. */
export function activeHolds(sql: SqlStorage): HoldView[] {
  return sql.exec<HoldView>(`SELECT ${HOLD_COLUMNS} FROM holds WHERE status = 'ACTIVE' ORDER BY expires_at, created_at`).toArray();
}

/** Every hold, for reconciliation. */
export function allHolds(sql: SqlStorage): HoldView[] {
  return sql.exec<HoldView>(`SELECT ${HOLD_COLUMNS} FROM holds ORDER BY created_at`).toArray();
}

/** What the active holds add up to: `wallet.held` must equal it (audit). */
export function heldByHolds(sql: SqlStorage): number {
  return sql.exec<{ s: number | null }>("SELECT SUM(amount) AS s FROM holds WHERE status = 'ACTIVE'").one().s ?? 0;
}

/** Reference ids of the active holds whose expiry is at or before `now`. */
export function dueHolds(sql: SqlStorage, now: string): string[] {
  return sql
    .exec<{ reference_id: string }>("SELECT reference_id FROM holds WHERE status = 'ACTIVE' AND expires_at <= ? ORDER BY expires_at", now)
    .toArray()
    .map((r) => r.reference_id);
}

/** The earliest expiry among active holds, or null. */
export function nextExpiry(sql: SqlStorage): string | null {
  return sql.exec<{ e: string | null }>("SELECT MIN(expires_at) AS e FROM holds WHERE status = 'ACTIVE'").one().e;
}

function setMoney(sql: SqlStorage, balance: number, held: number, now: string): void {
  sql.exec("UPDATE wallet SET balance = ?, held = ?, updated_at = ? WHERE id = 1", balance, held, now);
}

export const placeHoldFingerprint = (request: PlaceHoldRequest) =>
  JSON.stringify({ op: "HOLD", reference: request.referenceId, amount: request.amount });

/** The body of a hold placement (run as a keyed transfer): checks the available balance, reserves it. */
export function placeHold(sql: SqlStorage, request: PlaceHoldRequest, fault: FaultPoint, wallet: WalletRow): HoldOutcome {
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0) throw new Error("amount must be positive cents");
  if (wallet.balance - wallet.held < request.amount) {
    throw new Refusal({ ok: false, code: "INSUFFICIENT_FUNDS", wallet: snapshot(sql, wallet) });
  }
  const holdId = crypto.randomUUID();
  sql.exec(
    `INSERT INTO holds (hold_id, reference_id, amount, reason, status, captured, expires_at, created_at, on_expire)
     VALUES (?, ?, ?, ?, 'ACTIVE', 0, ?, ?, ?)`,
    holdId,
    request.referenceId,
    request.amount,
    request.reason,
    request.expiresAt,
    request.now,
    request.onExpire ? JSON.stringify(request.onExpire) : null,
  );
  const held = wallet.held + request.amount;
  setMoney(sql, wallet.balance, held, request.now);
  fault("hold-after-place");
  const hold = holdFor(sql, request.referenceId);
  if (!hold) throw new Error("hold not written");
  return { ok: true, wallet: snapshot(sql, { ...wallet, held, updated_at: request.now }), hold, transaction: null };
}

/**
 * Posts (capture) or releases (cancel, expire) an active hold, in the caller's transaction. Refused
 * with INVALID_STATE when the hold is missing or already settled (the other side of a race won), and
 * an expiry that is not due yet is refused too. A capture that arrives at or after the hold's expiry
 * loses to it: the hold is released as EXPIRED here, and the capture refused.
 */
export function settleHold(sql: SqlStorage, request: SettleHoldRequest, fault: FaultPoint): { outcome: HoldOutcome; wroteOutbox: boolean } {
  const row = holdRow(sql, request.referenceId);
  const wallet = requireWallet(sql);
  const refuse = (code: "INVALID_STATE" | "NOT_FOUND" | "CAPTURE_EXCEEDS_AUTHORIZED", hold?: HoldView) => ({
    outcome: { ok: false as const, code, wallet: snapshot(sql, wallet), ...(hold ? { hold } : {}) },
    wroteOutbox: false,
  });
  if (!row) return refuse("NOT_FOUND");
  if (row.status !== "ACTIVE") return refuse("INVALID_STATE", view(row));
  const due = row.expires_at <= request.now;
  if (request.op === "expire" && !due) return refuse("INVALID_STATE", view(row));
  if (request.op === "capture" && due) {
    const expired = release(sql, wallet, row, "EXPIRED", request.now, storedExpiry(row), fault);
    return {
      outcome: { ok: false, code: "INVALID_STATE", wallet: expired.outcome.wallet, hold: expired.outcome.hold },
      wroteOutbox: expired.wroteOutbox,
    };
  }
  if (request.op === "capture") {
    const amount = request.amount ?? row.amount;
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error("amount must be positive cents");
    if (amount > row.amount) return refuse("CAPTURE_EXCEEDS_AUTHORIZED", view(row));
    const balance = wallet.balance - amount;
    const held = wallet.held - row.amount;
    setMoney(sql, balance, held, request.now);
    sql.exec("UPDATE holds SET status = 'POSTED', captured = ?, settled_at = ? WHERE hold_id = ?", amount, request.now, row.hold_id);
    fault("hold-after-post");
    const after = { ...wallet, balance, held, updated_at: request.now };
    const transaction = appendEntry(
      sql,
      {
        transferId: request.transferId,
        type: "PAYMENT_OUT",
        direction: "DEBIT",
        amount,
        balanceAfter: balance,
        description: request.description ?? row.reason,
        counterparty: { account: "merchants", name: row.reason },
        referenceId: row.reference_id,
        now: request.now,
      },
      after,
    );
    const outcome: HoldOutcome = {
      ok: true,
      wallet: snapshot(sql, { ...after, head_hash: transaction.hash }),
      hold: { ...view(row), status: "POSTED", captured: amount, settled_at: request.now },
      transaction,
    };
    return { outcome, wroteOutbox: writeOutcomeEvent(sql, request.events, outcome, request.now) };
  }
  const event = request.op === "expire" ? (request.events?.onSuccess ?? storedExpiry(row)) : request.events?.onSuccess;
  return release(sql, wallet, row, request.op === "expire" ? "EXPIRED" : "CANCELED", request.now, event, fault);
}

function storedExpiry(row: HoldRow): OutcomeEvent | undefined {
  return row.on_expire ? (JSON.parse(row.on_expire) as OutcomeEvent) : undefined;
}

function release(
  sql: SqlStorage,
  wallet: WalletRow,
  row: HoldRow,
  reason: "CANCELED" | "EXPIRED",
  now: string,
  event: OutcomeEvent | undefined,
  fault: FaultPoint,
): { outcome: Extract<HoldOutcome, { ok: true }>; wroteOutbox: boolean } {
  const held = wallet.held - row.amount;
  setMoney(sql, wallet.balance, held, now);
  sql.exec("UPDATE holds SET status = 'RELEASED', release_reason = ?, settled_at = ? WHERE hold_id = ?", reason, now, row.hold_id);
  fault("hold-after-release");
  const outcome = {
    ok: true as const,
    wallet: snapshot(sql, { ...wallet, held, updated_at: now }),
    hold: { ...view(row), status: "RELEASED" as const, release_reason: reason, settled_at: now },
    transaction: null,
  };
  return { outcome, wroteOutbox: writeOutcomeEvent(sql, event ? { onSuccess: event } : undefined, outcome, now) };
}

export const refundFingerprint = (request: RefundRequest) =>
  JSON.stringify({ op: "REFUND", payment: request.paymentId, amount: request.amount ?? null });

/**
 * The body of a refund (run as a keyed transfer, keyed by the refund id): what was captured is what
 * the payment's PAYMENT_OUT entries add up to, what was refunded is the refunds table's sum; the
 * check and the REFUND credit commit together.
 */
export function refund(sql: SqlStorage, request: RefundRequest, fault: FaultPoint, wallet: WalletRow): RefundOutcome {
  const paid = sql
    .exec<{ s: number | null; name: string | null }>(
      "SELECT SUM(amount) AS s, MAX(counterparty_name) AS name FROM entries WHERE type = 'PAYMENT_OUT' AND reference_id = ?",
      request.paymentId,
    )
    .one();
  const captured = paid.s ?? 0;
  if (captured === 0) throw new Refusal({ ok: false, code: "INVALID_STATE", wallet: snapshot(sql, wallet) });
  const refunded = refundedTotal(sql, request.paymentId);
  const amount = request.amount ?? captured - refunded;
  if (amount <= 0 || refunded + amount > captured) {
    throw new Refusal({ ok: false, code: "REFUND_EXCEEDS_CAPTURED", wallet: snapshot(sql, wallet) });
  }
  if (!Number.isSafeInteger(amount)) throw new Error("amount must be positive cents");
  sql.exec(
    "INSERT INTO refunds (refund_id, payment_id, amount, reason, created_at) VALUES (?, ?, ?, ?, ?)",
    request.refundId,
    request.paymentId,
    amount,
    request.reason ?? null,
    request.now,
  );
  const balance = wallet.balance + amount;
  sql.exec("UPDATE wallet SET balance = ?, updated_at = ? WHERE id = 1", balance, request.now);
  fault("refund-after-balance");
  const merchant = paid.name ?? "Merchant";
  const after = { ...wallet, balance, updated_at: request.now };
  const transaction: LedgerTransaction = appendEntry(
    sql,
    {
      transferId: request.transferId,
      type: "REFUND",
      direction: "CREDIT",
      amount,
      balanceAfter: balance,
      description: `Refund: ${merchant}`.slice(0, 200),
      counterparty: { account: "merchants", name: merchant },
      referenceId: request.refundId,
      now: request.now,
    },
    after,
  );
  const view: RefundView = {
    refund_id: request.refundId,
    payment_id: request.paymentId,
    amount,
    reason: request.reason ?? null,
    created_at: transaction.created_at,
  };
  return {
    ok: true,
    wallet: snapshot(sql, after),
    refund: view,
    refunded: refunded + amount,
    captured,
    transaction,
  };
}

export function refundedTotal(sql: SqlStorage, paymentId: string): number {
  return sql.exec<{ s: number | null }>("SELECT SUM(amount) AS s FROM refunds WHERE payment_id = ?", paymentId).one().s ?? 0;
}

/** Every refund, for reconciliation. */
export function allRefunds(sql: SqlStorage): RefundView[] {
  return sql.exec<RefundView>("SELECT refund_id, payment_id, amount, reason, created_at FROM refunds ORDER BY created_at").toArray();
}
