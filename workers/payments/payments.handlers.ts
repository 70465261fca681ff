import type { Context } from "hono";
import type { OutcomeEvent } from "../../durable-objects/wallet-ledger.types";
import { formatCents } from "../domain/money";
import type { AppEnv, AppRouteHandler } from "../lib/app";
import { businessNow, clockNow } from "../lib/clock";
import { createDb, type Db } from "../lib/db";
import { invalidState, notFound } from "../lib/errors";
import { type AppEvent, makeEvent, queueFor } from "../lib/events";
import { isId, nowIso, resourceIdFor } from "../lib/ids";
import { ledgerFor, unwrap } from "../lib/ledger";
import { sendOutboxRows } from "../lib/outbox";
import { assertWalletOwner } from "../lib/queries";
import { presentPayment, presentRefund } from "./payments.presenters";
import * as queries from "./payments.queries";
import type * as routes from "./payments.routes";

export const createPayment: AppRouteHandler<typeof routes.createPayment> = async (c) => {
  const body = c.req.valid("json");
  const user = c.get("user");
  const db = createDb(c.env.DB);
  await assertWalletOwner(db, user.user_id, body.wallet_id);
  // A retried request (same Idempotency-Key) maps to the same payment id, so it cannot pay twice.
  const paymentId = resourceIdFor("payment", user.user_id, c.get("idempotencyKey"));
  const now = nowIso();
  const manual = body.capture === "manual";
  const expiresAt = manual ? new Date((await clockNow(c.env)).getTime() + authorizationTtlMs(c.env)).toISOString() : null;
  const row: queries.PaymentRow = {
    paymentId,
    walletId: body.wallet_id,
    userId: user.user_id,
    merchant: body.merchant,
    amountCents: body.amount,
    description: body.description ?? null,
    status: "PENDING",
    failureReason: null,
    createdAt: now,
    updatedAt: now,
    capture: manual ? "manual" : "automatic",
    authorizedAmountCents: manual ? body.amount : null,
    capturedAmountCents: null,
    refundedAmountCents: 0,
    authorizationExpiresAt: expiresAt,
  };
  const event = makeEvent(
    "PAYMENT_REQUESTED",
    {
      payment_id: paymentId,
      wallet_id: body.wallet_id,
      amount: formatCents(body.amount),
      merchant: body.merchant,
      ...(expiresAt ? { capture: "manual" as const, authorization_expires_at: expiresAt } : {}),
    },
    { correlationId: paymentId, requestId: c.get("requestId") },
  );
  const outboxId = `payment-requested:${paymentId}`;
  const { recorded, unsent } = await queries.createPayment(db, row, { outboxId, event });
  c.executionCtx.waitUntil(sendOutboxRows(c.env, unsent));
  // A retry with the same key answers the payment as first recorded.
  return c.json({ payment: presentPayment(recorded ?? row) }, 202);
};

export const getPayment: AppRouteHandler<typeof routes.getPayment> = async (c) => {
  const { transaction_id } = c.req.valid("param");
  if (!isId(transaction_id)) throw notFound("Payment");
  const row = await queries.findOwnPayment(createDb(c.env.DB), c.get("user").user_id, transaction_id);
  if (!row) throw notFound("Payment");
  return c.json({ payment: presentPayment(row) }, 200);
};

export const listByWallet: AppRouteHandler<typeof routes.listByWallet> = async (c) => {
  const { wallet_id } = c.req.valid("param");
  const page = await queries.listWalletPayments(createDb(c.env.DB), c.get("user").user_id, wallet_id, c.req.valid("query"));
  return c.json({ payments: page.payments.map(presentPayment), next_cursor: page.nextCursor }, 200);
};

const DEFAULT_AUTHORIZATION_TTL_SECONDS = 7 * 24 * 3600;

/** How long a manual payment's authorization lives (AUTHORIZATION_TTL_SECONDS, default 7 days). */
export function authorizationTtlMs(env: Env): number {
  const seconds = Number(env.AUTHORIZATION_TTL_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_AUTHORIZATION_TTL_SECONDS) * 1000;
}

const outcomeOf = (event: AppEvent): OutcomeEvent => ({ queue: queueFor(event.type), event });

/** The caller's payment, or 404 (another user's id included: never leak its existence). */
async function ownPayment(db: Db, userId: string, paymentId: string): Promise<queries.PaymentRow> {
  const row = isId(paymentId) ? await queries.findOwnPayment(db, userId, paymentId) : undefined;
  if (!row) throw notFound("Payment");
  return row;
}

async function reread(db: Db, row: queries.PaymentRow): Promise<queries.PaymentRow> {
  return (await queries.findPayment(db, row.paymentId)) ?? row;
}

/**
 * Settles the hold of an AUTHORIZED payment in its wallet's ledger. The ledger decides (the first of
 * a capture, a cancel and the expiry wins; the others find the hold settled and are refused), and D1
 * follows the hold as the ledger left it, whatever the answer; the outcome event in the ledger's
 * outbox applies the same transition if this request dies before its own write.
 */
async function settle(c: Context<AppEnv>, paymentId: string, op: "capture" | "cancel", amount?: number): Promise<queries.PaymentRow> {
  const user = c.get("user");
  const db = createDb(c.env.DB);
  const row = await ownPayment(db, user.user_id, paymentId);
  if (row.capture !== "manual" || row.status !== "AUTHORIZED") throw invalidState(`The payment is ${row.status}, not AUTHORIZED`);
  const now = await businessNow(c.env);
  const context = { correlationId: row.paymentId, requestId: c.get("requestId") };
  const base = { payment_id: row.paymentId, wallet_id: row.walletId };
  const outcome = await ledgerFor(c.env, row.walletId).settleHold(
    op === "capture"
      ? {
          op,
          referenceId: row.paymentId,
          amount,
          transferId: `payment:${row.paymentId}`,
          description: row.merchant,
          now,
          // captured_amount is filled in by the ledger with what it posted.
          events: {
            onSuccess: outcomeOf(makeEvent("PAYMENT_CAPTURED", { ...base, captured_amount: "0.00", transaction_id: null }, context)),
          },
        }
      : {
          op,
          referenceId: row.paymentId,
          now,
          events: { onSuccess: outcomeOf(makeEvent("PAYMENT_CANCELED", { ...base, reason: "CANCELED" }, context)) },
        },
    user.user_id,
  );
  await queries.followHold(db, row.paymentId, outcome.hold);
  if (!outcome.ok && outcome.code === "INVALID_STATE") {
    const after = await reread(db, row);
    throw invalidState(`The payment is ${after.status}, not AUTHORIZED`);
  }
  unwrap(outcome, "Payment");
  return reread(db, row);
}

export const capturePayment: AppRouteHandler<typeof routes.capturePayment> = async (c) => {
  const row = await settle(c, c.req.valid("param").transaction_id, "capture", c.req.valid("json")?.amount);
  return c.json({ payment: presentPayment(row) }, 200);
};

export const cancelPayment: AppRouteHandler<typeof routes.cancelPayment> = async (c) => {
  const row = await settle(c, c.req.valid("param").transaction_id, "cancel");
  return c.json({ payment: presentPayment(row) }, 200);
};

/**
 * A REFUND credit of a SUCCESSFUL payment. The ledger keeps the payment's running refunded total
 * beside its money and checks the cap in the same transaction as the credit; D1 mirrors the refund.
 */
export const refundPayment: AppRouteHandler<typeof routes.refundPayment> = async (c) => {
  const user = c.get("user");
  const body = c.req.valid("json");
  const db = createDb(c.env.DB);
  const row = await ownPayment(db, user.user_id, c.req.valid("param").transaction_id);
  if (row.status !== "SUCCESSFUL") throw invalidState(`The payment is ${row.status}, not SUCCESSFUL`);
  const refundId = resourceIdFor("refund", user.user_id, c.get("idempotencyKey"));
  const context = { correlationId: row.paymentId, requestId: c.get("requestId") };
  const now = await businessNow(c.env);
  const reason = body?.reason ?? null;
  const outcome = unwrap(
    await ledgerFor(c.env, row.walletId).refund({
      transferId: `refund:${refundId}`,
      owner: user.user_id,
      refundId,
      paymentId: row.paymentId,
      amount: body?.amount,
      reason,
      now,
      events: {
        onSuccess: outcomeOf(
          makeEvent(
            "PAYMENT_REFUNDED",
            // amount, refunded_amount and created_at are filled in by the ledger with what it credited.
            {
              payment_id: row.paymentId,
              wallet_id: row.walletId,
              user_id: user.user_id,
              refund_id: refundId,
              amount: "0.00",
              refunded_amount: "0.00",
              reason,
              created_at: now,
            },
            context,
          ),
        ),
      },
    }),
    "Payment",
  );
  const refund: queries.RefundRow = {
    refundId,
    paymentId: row.paymentId,
    walletId: row.walletId,
    userId: user.user_id,
    amountCents: outcome.refund.amount,
    reason: outcome.refund.reason,
    createdAt: outcome.refund.created_at,
  };
  await queries.recordRefund(db, refund, outcome.refunded);
  return c.json({ refund: presentRefund(refund), payment: presentPayment(await reread(db, row)) }, 201);
};
