import { formatCents } from "../domain/money";
import type { AppRouteHandler } from "../lib/app";
import { createDb } from "../lib/db";
import { notFound } from "../lib/errors";
import { makeEvent } from "../lib/events";
import { isId, nowIso, resourceIdFor } from "../lib/ids";
import { flushOutbox } from "../lib/outbox";
import { assertWalletOwner } from "../lib/queries";
import { presentPayment } from "./payments.presenters";
import * as queries from "./payments.queries";
import type * as routes from "./payments.routes";

export const createPayment: AppRouteHandler<typeof routes.createPayment> = async (c) => {
  const body = c.req.valid("json");
  const user = c.get("user");
  const db = createDb(c.env.DB);
  await assertWalletOwner(db, user.user_id, body.wallet_id);
  // A retried request (same Idempotency-Key) maps to the same payment id, so it cannot pay twice.
  const paymentId = await resourceIdFor("payment", user.user_id, c.get("idempotencyKey"));
  const now = nowIso();
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
  };
  const event = makeEvent(
    "PAYMENT_REQUESTED",
    { payment_id: paymentId, wallet_id: body.wallet_id, amount: formatCents(body.amount), merchant: body.merchant },
    { correlationId: paymentId, requestId: c.get("requestId") },
  );
  const outboxId = `payment-requested:${paymentId}`;
  await queries.createPayment(db, row, { outboxId, event });
  c.executionCtx.waitUntil(flushOutbox(c.env, [outboxId]));
  return c.json({ payment: presentPayment(row) }, 202);
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
