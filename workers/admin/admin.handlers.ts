import { DUE_WORK } from "../due-work";
import type { AppRouteHandler } from "../lib/app";
import { auditStatement } from "../lib/audit-log";
import { advanceClockStatement, businessNow, clockNow, clockOffsetSeconds, testClockEnabled } from "../lib/clock";
import { createDb } from "../lib/db";
import { runDueWorkUntilDone } from "../lib/due-work";
import { invalidState, notFound } from "../lib/errors";
import { isReplay, replayOutcome, transferIdFor } from "../lib/idempotency";
import { isId, nowIso } from "../lib/ids";
import { ledgerFor, presentTransaction, presentWallet, unwrap } from "../lib/ledger";
import { formatCents } from "../lib/money";
import { flushOutbox } from "../lib/outbox";
import { seqBefore, seqCursor } from "../lib/pagination";
import { resolveQueue } from "../lib/queues";
import { presentAuditEntry, presentDeadLetter } from "./admin.presenters";
import * as queries from "./admin.queries";
import type * as routes from "./admin.routes";
import { proveConservation } from "./ledger-proof";
import { reconcile } from "./reconciliation";

export const listDeadLetters: AppRouteHandler<typeof routes.listDeadLetters> = async (c) => {
  const rows = await queries.listDeadLetters(createDb(c.env.DB));
  return c.json({ dead_letters: rows.map(presentDeadLetter) }, 200);
};

export const replayDeadLetter: AppRouteHandler<typeof routes.replayDeadLetter> = async (c) => {
  const { dead_letter_id } = c.req.valid("param");
  const db = createDb(c.env.DB);
  const row = await queries.findDeadLetter(db, dead_letter_id);
  if (!row) throw notFound("Dead letter");
  // Back to the queue it was recorded on, whatever its event: a dead letter may be a message that
  // never was a known event, and its queue's consumer is what settles it.
  let queue: ReturnType<typeof resolveQueue>["queue"];
  try {
    queue = resolveQueue(row.queue).queue;
  } catch {
    throw invalidState(`This dead letter came from a queue this API does not know (${row.queue}) and cannot be replayed`);
  }
  const now = nowIso();
  const outboxId = `replay:${row.deadLetterId}:${now}`;
  await queries.queueReplay(db, row, queue, c.get("user").user_id, outboxId, now);
  await flushOutbox(c.env, [outboxId]);
  return c.json({ dead_letter: presentDeadLetter({ ...row, replayedAt: now }) }, 202);
};

export const reconciliation: AppRouteHandler<typeof routes.reconciliation> = async (c) => {
  const [differences, count] = await Promise.all([reconcile(c.env), queries.countWallets(createDb(c.env.DB))]);
  return c.json({ checked_at: nowIso(), wallets_checked: count, differences }, 200);
};

/**
 * An admin correction of any wallet. In an Idempotency-Key replay (`idempotentEffect`) nothing runs:
 * the ledger's stored outcome of the same transfer id is presented as the first response was.
 */
export const adjustWallet: AppRouteHandler<typeof routes.adjustWallet> = async (c) => {
  const walletId = c.req.valid("param").wallet_id;
  if (!isId(walletId)) throw notFound("Wallet");
  const { direction, amount, reason } = c.req.valid("json");
  const admin = c.get("user");
  const ledger = ledgerFor(c.env, walletId);
  const transferId = transferIdFor(admin.user_id, c.get("idempotencyKey"), `adjust:${walletId}`);
  let outcome: Awaited<ReturnType<typeof ledger.credit>> & { ok: true };
  if (isReplay(c)) {
    // The stored outcome is read as the wallet's owner: the ledger scopes that read to one.
    const wallet = await ledger.getWallet(null);
    if (!wallet) throw notFound("Wallet");
    outcome = replayOutcome(await ledger.transferOutcome(transferId, wallet.user_id));
  } else {
    outcome = unwrap(
      await ledger[direction === "CREDIT" ? "credit" : "debit"]({
        transferId,
        owner: null,
        amount,
        type: "ADJUSTMENT",
        description: reason,
        counterparty: { account: "adjustments", name: "Adjustment" },
        now: await businessNow(c.env),
      }),
    );
    // No D1 write to share a batch with: the entry is keyed by the transfer, so the retry of a
    // request that moved the money but failed here records it, once.
    await queries.recordAudit(createDb(c.env.DB), {
      entryId: `adjust:${transferId}`,
      adminUserId: admin.user_id,
      action: "wallet.adjust",
      target: `wallet:${walletId}`,
      details: { direction, amount: formatCents(amount), reason, transaction_id: outcome.transaction.transaction_id },
    });
  }
  if (outcome.replayed && c.get("idempotencyKey") !== undefined) c.header("idempotent-replayed", "true");
  return c.json({ wallet: presentWallet(outcome.wallet), transaction: presentTransaction(outcome.transaction) }, 201);
};

export const listAuditLog: AppRouteHandler<typeof routes.listAuditLog> = async (c) => {
  const { limit, cursor, action } = c.req.valid("query");
  const page = await queries.listAuditLog(createDb(c.env.DB), limit, seqBefore(cursor), action);
  return c.json({ entries: page.rows.map(presentAuditEntry), next_cursor: seqCursor(page.nextSeq) }, 200);
};

export const ledgerProof: AppRouteHandler<typeof routes.ledgerProof> = async (c) => {
  const proof = await proveConservation(c.env);
  return c.json(
    {
      checked_at: nowIso(),
      wallets: formatCents(proof.wallets),
      goals: formatCents(proof.goals),
      held: formatCents(proof.held),
      counterparties: proof.counterparties.map((a) => ({ account: a.account, balance: formatCents(a.balance) })),
      in_transit: formatCents(proof.inTransit),
      difference: formatCents(proof.difference),
    },
    200,
  );
};

export const getClock: AppRouteHandler<typeof routes.getClock> = async (c) => {
  if (!testClockEnabled(c.env)) throw notFound("Route");
  const offset = await clockOffsetSeconds(c.env);
  return c.json({ now: new Date(Date.now() + offset * 1000).toISOString(), offset_seconds: offset }, 200);
};

/**
 * Moves the clock, then runs every service's due work up to the new now until nothing is left,
 * waiting for autopay debits between due dates: 200 once nothing due is left, 202 when the wait ran
 * out first. A run cut short (a crash, a timeout) is finished by the next cron run or the next
 * advance: every step is keyed, so nothing is charged twice.
 */
export const advanceClock: AppRouteHandler<typeof routes.advanceClock> = async (c) => {
  if (!testClockEnabled(c.env)) throw notFound("Route");
  const { days } = c.req.valid("json");
  await c.env.DB.batch([
    advanceClockStatement(c.env.DB, days),
    auditStatement(c.env.DB, { adminUserId: c.get("user").user_id, action: "clock.advance", target: "clock", details: { days } }),
  ]);
  const now = await clockNow(c.env);
  const { settled } = await runDueWorkUntilDone(c.env, now, DUE_WORK);
  // Work still waiting on a saga after the wait (an autopay debit that has not come back) is left
  // to the cron and the next advance; the answer says so instead of claiming it is done.
  return settled ? c.json({ now: now.toISOString(), settled }, 200) : c.json({ now: now.toISOString(), settled }, 202);
};
