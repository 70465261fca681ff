/**
 * Saga completion (API.md): every saga ends. A saga that has not finished after
 * `SAGA_REDRIVE_AFTER_SECONDS` (a PENDING payment, a PENDING repayment, an approved loan without
 * `disbursed_at`) has its request published again, built from its D1 record, whatever was lost in
 * between (a message, a process, a whole restart of a local stack whose queues lived in memory).
 *
 * A re-driven request is a new delivery with its own event id, so per-consumer dedupe does not
 * swallow it; the wallet's effect is keyed by the business id (`payment:{id}`…), so a request whose
 * effect already ran moves no money again and the ledger re-emits the stored outcome, which the
 * outcome handlers apply once (`status = 'PENDING'` guards).
 *
 * The sweep runs in the SagaSweeper Durable Object (single-flight, with per-saga backoff), from its
 * alarm (armed by saga-starting requests, persisted across restarts) and from the cron trigger.
 */

import { formatCents } from "../domain/money";
import { type AppEvent, makeEvent, queueFor, type SagaKind, type SagaRef } from "./events";
import { sendEvents } from "./queues";

export type DueSaga = SagaRef & { event: AppEvent };

const positiveSeconds = (value: unknown, fallback: number) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** How old an unfinished saga must be before the sweep re-drives it. */
export const redriveAfterMs = (env: Env) => positiveSeconds(env.SAGA_REDRIVE_AFTER_SECONDS, 60) * 1000;

/** How old an unfinished saga must be before reconciliation reports it as stuck. */
export const stuckAfterMs = (env: Env) => positiveSeconds(env.STUCK_AFTER_SECONDS, 120) * 1000;

type PaymentRow = {
  payment_id: string;
  wallet_id: string;
  amount_cents: number;
  merchant: string;
  capture: "automatic" | "manual";
  authorization_expires_at: string | null;
};
type RepaymentRow = { repayment_id: string; loan_id: string; wallet_id: string; amount_cents: number };
type LoanRow = { loan_id: string; wallet_id: string; amount_cents: number };
type TransferRow = {
  transfer_id: string;
  from_wallet_id: string;
  to_wallet_id: string;
  from_user_id: string;
  to_user_id: string;
  amount_cents: number;
  description: string | null;
  sender_name: string;
  recipient_name: string;
  created_at: string;
};

// A PENDING manual payment is re-driven like the others: its request places the hold (keyed by the payment id).
const PAYMENTS =
  "SELECT payment_id, wallet_id, amount_cents, merchant, capture, authorization_expires_at FROM payments WHERE status = 'PENDING'";
const REPAYMENTS = "SELECT repayment_id, loan_id, wallet_id, amount_cents FROM repayments WHERE status = 'PENDING'";
// A PENDING transfer has been debited already (the record is written after the debit): what is left is the credit.
const TRANSFERS = `SELECT transfer_id, from_wallet_id, to_wallet_id, from_user_id, to_user_id, amount_cents, description, sender_name,
  recipient_name, created_at FROM transfers WHERE status = 'PENDING'`;
// A loan whose disbursement dead-lettered is flagged (disbursement_error) and left to an admin's replay.
const LOANS =
  "SELECT loan_id, wallet_id, amount_cents FROM loans WHERE status IN ('APPROVED', 'PAID') AND disbursed_at IS NULL AND disbursement_error IS NULL";

/** The request that starts each saga, rebuilt from its D1 record, with a fresh event id. */
const requestFor = {
  payment: (r: PaymentRow, requestId: string) =>
    makeEvent(
      "PAYMENT_REQUESTED",
      {
        payment_id: r.payment_id,
        wallet_id: r.wallet_id,
        amount: formatCents(r.amount_cents),
        merchant: r.merchant,
        ...(r.capture === "manual" && r.authorization_expires_at
          ? { capture: "manual" as const, authorization_expires_at: r.authorization_expires_at }
          : {}),
      },
      { correlationId: r.payment_id, requestId },
    ),
  repayment: (r: RepaymentRow, requestId: string) =>
    makeEvent(
      "LOAN_REPAYMENT_REQUESTED",
      { repayment_id: r.repayment_id, loan_id: r.loan_id, wallet_id: r.wallet_id, amount: formatCents(r.amount_cents) },
      { correlationId: r.repayment_id, requestId },
    ),
  transfer: (r: TransferRow, requestId: string) =>
    makeEvent(
      "TRANSFER_REQUESTED",
      {
        transfer_id: r.transfer_id,
        from_wallet_id: r.from_wallet_id,
        to_wallet_id: r.to_wallet_id,
        from_user_id: r.from_user_id,
        to_user_id: r.to_user_id,
        amount: formatCents(r.amount_cents),
        description: r.description,
        sender_name: r.sender_name,
        recipient_name: r.recipient_name,
        created_at: r.created_at,
      },
      { correlationId: r.transfer_id, requestId },
    ),
  loan: (r: LoanRow, requestId: string) =>
    makeEvent(
      "LOAN_APPROVED",
      { loan_id: r.loan_id, wallet_id: r.wallet_id, amount: formatCents(r.amount_cents) },
      { correlationId: r.loan_id, requestId },
    ),
};

/** Unfinished sagas older than `olderThanMs`, oldest first, at most `limit` of each kind. */
export async function findUnfinished(env: Env, olderThanMs: number, limit: number): Promise<DueSaga[]> {
  const cutoff = new Date(Date.now() - olderThanMs).toISOString();
  const requestId = crypto.randomUUID();
  const [payments, repayments, loans, transfers] = await env.DB.batch<Record<string, unknown>>([
    env.DB.prepare(`${PAYMENTS} AND created_at <= ? ORDER BY created_at LIMIT ?`).bind(cutoff, limit),
    env.DB.prepare(`${REPAYMENTS} AND created_at <= ? ORDER BY created_at LIMIT ?`).bind(cutoff, limit),
    env.DB.prepare(`${LOANS} AND updated_at <= ? ORDER BY updated_at LIMIT ?`).bind(cutoff, limit),
    env.DB.prepare(`${TRANSFERS} AND created_at <= ? ORDER BY created_at LIMIT ?`).bind(cutoff, limit),
  ]);
  return [
    ...((payments?.results ?? []) as PaymentRow[]).map((r) => ({
      kind: "payment" as const,
      id: r.payment_id,
      event: requestFor.payment(r, requestId),
    })),
    ...((repayments?.results ?? []) as RepaymentRow[]).map((r) => ({
      kind: "repayment" as const,
      id: r.repayment_id,
      event: requestFor.repayment(r, requestId),
    })),
    ...((loans?.results ?? []) as LoanRow[]).map((r) => ({ kind: "loan" as const, id: r.loan_id, event: requestFor.loan(r, requestId) })),
    ...((transfers?.results ?? []) as TransferRow[]).map((r) => ({
      kind: "transfer" as const,
      id: r.transfer_id,
      event: requestFor.transfer(r, requestId),
    })),
  ];
}

/** Whether any saga at all is unfinished (however young): the sweep keeps its alarm armed while one is. */
export async function hasUnfinished(env: Env): Promise<boolean> {
  const row = await env.DB.prepare(
    `SELECT EXISTS (${PAYMENTS}) OR EXISTS (${REPAYMENTS}) OR EXISTS (${LOANS}) OR EXISTS (${TRANSFERS}) AS unfinished`,
  ).first<{
    unfinished: number;
  }>();
  return row?.unfinished === 1;
}

/** One saga's request rebuilt from D1, or null when the saga is finished (or unknown). */
export async function unfinishedSaga(env: Env, ref: SagaRef): Promise<DueSaga | null> {
  const requestId = crypto.randomUUID();
  switch (ref.kind) {
    case "payment": {
      const r = await env.DB.prepare(`${PAYMENTS} AND payment_id = ?`).bind(ref.id).first<PaymentRow>();
      return r ? { ...ref, event: requestFor.payment(r, requestId) } : null;
    }
    case "repayment": {
      const r = await env.DB.prepare(`${REPAYMENTS} AND repayment_id = ?`).bind(ref.id).first<RepaymentRow>();
      return r ? { ...ref, event: requestFor.repayment(r, requestId) } : null;
    }
    case "loan": {
      const r = await env.DB.prepare(`${LOANS} AND loan_id = ?`).bind(ref.id).first<LoanRow>();
      return r ? { ...ref, event: requestFor.loan(r, requestId) } : null;
    }
    case "transfer": {
      const r = await env.DB.prepare(`${TRANSFERS} AND transfer_id = ?`).bind(ref.id).first<TransferRow>();
      return r ? { ...ref, event: requestFor.transfer(r, requestId) } : null;
    }
  }
}

/** Publishes re-driven requests straight to their queues (a lost one is simply re-driven next time). */
export async function publishRequests(env: Env, sagas: DueSaga[]): Promise<number> {
  const [failure] = await sendEvents(
    env,
    sagas.map((saga) => ({ queue: queueFor(saga.event.type), body: saga.event })),
  );
  if (failure) throw failure.error;
  return sagas.length;
}

/** Re-drives one saga now, whatever its age (an invalid event naming it, for instance). */
export async function redriveSaga(env: Env, ref: SagaRef): Promise<boolean> {
  const saga = await unfinishedSaga(env, ref);
  if (!saga) return false;
  await publishRequests(env, [saga]);
  return true;
}

export const sagaKey = (kind: SagaKind | string, id: string) => `${kind}:${id}`;

const sweeperFor = (env: Env) => env.SAGA_SWEEPER.get(env.SAGA_SWEEPER.idFromName("saga-sweeper"));

let lastArmedAt = 0;
const ARM_EVERY_MS = 1_000;

/**
 * Makes sure the sweeper's alarm is armed; called off the hot path (waitUntil) by saga-starting
 * requests, at most once a second per isolate.
 */
export async function armSagaSweep(env: Env): Promise<void> {
  const now = Date.now();
  if (now - lastArmedAt < ARM_EVERY_MS) return;
  lastArmedAt = now;
  try {
    await sweeperFor(env).arm();
  } catch (error) {
    lastArmedAt = 0;
    console.error(JSON.stringify({ level: "error", msg: "saga sweep arm failed", error: String(error) }));
  }
}

/** The cron trigger's entry: the same single-flight sweep the alarm runs. */
export const runSagaSweep = (env: Env) => sweeperFor(env).sweep();

export { sweeperFor };
