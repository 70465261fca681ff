import { and, desc, eq } from "drizzle-orm";
import { formatCents } from "../domain/money";
import { createRouter } from "../lib/app";
import { createDb, toStatement } from "../lib/db";
import { notFound } from "../lib/errors";
import { makeEvent } from "../lib/events";
import { isId, nowIso, resourceIdFor } from "../lib/ids";
import { flushOutbox, outboxInsertIfChanged } from "../lib/outbox";
import { keysetAfter, nextCursor } from "../lib/pagination";
import { assertWalletOwner } from "../lib/queries";
import { payments } from "../lib/schema";
import * as routes from "./payments.routes";

type PaymentRow = typeof payments.$inferSelect;

export const presentPayment = (row: PaymentRow) => ({
  transaction_id: row.paymentId,
  wallet_id: row.walletId,
  merchant: row.merchant,
  amount: formatCents(row.amountCents),
  description: row.description,
  status: row.status,
  failure_reason: row.failureReason,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
});

export const paymentsRouter = createRouter()
  .openapi(routes.createPayment, async (c) => {
    const body = c.req.valid("json");
    const user = c.get("user");
    const db = createDb(c.env.DB);
    await assertWalletOwner(db, user.user_id, body.wallet_id);
    // A retried request (same Idempotency-Key) maps to the same payment id, so it cannot pay twice.
    const paymentId = await resourceIdFor("payment", user.user_id, c.get("idempotencyKey"));
    const now = nowIso();
    const row: PaymentRow = {
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
      { payment_id: paymentId, wallet_id: body.wallet_id, amount: formatCents(body.amount) },
      { correlationId: paymentId, requestId: c.get("requestId") },
    );
    const outboxId = `payment-requested:${paymentId}`;
    await c.env.DB.batch([
      toStatement(c.env.DB, db.insert(payments).values(row).onConflictDoNothing()),
      outboxInsertIfChanged(c.env.DB, outboxId, event),
    ]);
    c.executionCtx.waitUntil(flushOutbox(c.env, [outboxId]));
    return c.json({ payment: presentPayment(row) }, 202);
  })
  .openapi(routes.getPayment, async (c) => {
    const { transaction_id } = c.req.valid("param");
    if (!isId(transaction_id)) throw notFound("Payment");
    const row = await createDb(c.env.DB)
      .select()
      .from(payments)
      .where(and(eq(payments.paymentId, transaction_id), eq(payments.userId, c.get("user").user_id)))
      .get();
    if (!row) throw notFound("Payment");
    return c.json({ payment: presentPayment(row) }, 200);
  })
  .openapi(routes.listByWallet, async (c) => {
    const { wallet_id } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    const db = createDb(c.env.DB);
    if (!isId(wallet_id)) throw notFound("Wallet");
    await assertWalletOwner(db, c.get("user").user_id, wallet_id);
    const rows = await db
      .select()
      .from(payments)
      .where(and(eq(payments.walletId, wallet_id), keysetAfter(cursor, payments.createdAt, payments.paymentId)))
      .orderBy(desc(payments.createdAt), desc(payments.paymentId))
      .limit(limit + 1);
    return c.json(
      {
        payments: rows.slice(0, limit).map(presentPayment),
        next_cursor: nextCursor(rows, limit, (r) => ({ t: r.createdAt, i: r.paymentId })),
      },
      200,
    );
  });
