import type { AppRouteHandler } from "../lib/app";
import { businessNow } from "../lib/clock";
import { createDb } from "../lib/db";
import { AppError, notFound } from "../lib/errors";
import { makeEvent, queueFor } from "../lib/events";
import { isId, nowIso, resourceIdFor } from "../lib/ids";
import { ledgerFor, unwrap } from "../lib/ledger";
import { formatCents } from "../lib/money";
import { armSagaSweep } from "../lib/saga-sweep";
import { presentTransfer } from "./transfers.presenters";
import * as queries from "./transfers.queries";
import type * as routes from "./transfers.routes";

/** What people see of each other: a name, never an email. */
const personName = (name: string | null) => name ?? "A customer";

/**
 * Debits the sender in its own ledger (the refusal, if any, is this request's answer) with the
 * TRANSFER_REQUESTED event in the same ledger transaction's outbox, then records the transfer. The
 * credit follows through the saga, keyed by the transfer id. A crash between the debit and the record
 * loses nothing: the event is on its way, and the saga records the transfer from it.
 */
export const createTransfer: AppRouteHandler<typeof routes.createTransfer> = async (c) => {
  const user = c.get("user");
  const body = c.req.valid("json");
  const db = createDb(c.env.DB);
  if (!isId(body.from_wallet_id)) throw notFound("Wallet");
  const recipient = body.to_email
    ? await queries.findFirstWalletByEmail(db, body.to_email)
    : body.to_wallet_id && isId(body.to_wallet_id)
      ? await queries.findWallet(db, body.to_wallet_id)
      : undefined;
  if (!recipient) throw new AppError("RECIPIENT_NOT_FOUND", "No wallet was found for this recipient");
  if (recipient.walletId === body.from_wallet_id) {
    throw new AppError("VALIDATION_ERROR", "A transfer goes to another wallet", [
      { path: "to_wallet_id", message: "same as from_wallet_id" },
    ]);
  }
  const sender = ledgerFor(c.env, body.from_wallet_id);
  const own = recipient.userId === user.user_id;
  // Between one's own wallets the names are the wallets'; between people, the people's.
  // The debit's entry is stamped by the clock, read beside the names.
  const [[senderName, recipientName], now] = await Promise.all([
    own
      ? Promise.all([
          sender.getWallet(user.user_id).then((w) => w?.name ?? "Wallet"),
          ledgerFor(c.env, recipient.walletId)
            .getWallet(user.user_id)
            .then((w) => w?.name ?? "Wallet"),
        ])
      : Promise.all([
          queries.findUserName(db, user.user_id).then(personName),
          // The recipient's name came with the lookup of their wallet.
          personName(recipient.name),
        ]),
    businessNow(c.env),
  ]);

  const transferId = resourceIdFor("transfer", user.user_id, c.get("idempotencyKey"));
  // The record's created_at is wall time (the sweep ages it).
  const createdAt = nowIso();
  const facts: queries.TransferFacts = {
    transfer_id: transferId,
    from_wallet_id: body.from_wallet_id,
    to_wallet_id: recipient.walletId,
    from_user_id: user.user_id,
    to_user_id: recipient.userId,
    amount: formatCents(body.amount),
    description: body.description ?? null,
    sender_name: senderName,
    recipient_name: recipientName,
    created_at: createdAt,
  };
  const requested = makeEvent("TRANSFER_REQUESTED", facts, { correlationId: transferId, requestId: c.get("requestId") });
  const debit = unwrap(
    await sender.debit({
      transferId: `transfer:${transferId}`,
      owner: user.user_id,
      amount: body.amount,
      type: "TRANSFER_OUT",
      description: body.description ?? `To ${recipientName}`,
      counterparty: { account: `wallet:${recipient.walletId}`, name: recipientName },
      referenceId: transferId,
      now,
      events: { onSuccess: { queue: queueFor(requested.type), event: requested } },
    }),
  );
  // A retried request (same key) replays the debit; the record keeps the first attempt's time (its
  // debit's), unless that is ahead of the wall because the clock was advanced: a D1 row never is.
  const firstAt = debit.replayed && debit.transaction.created_at < createdAt ? debit.transaction.created_at : createdAt;
  const row = await queries.recordPending(db, { ...facts, created_at: firstAt }, nowIso());
  c.executionCtx.waitUntil(armSagaSweep(c.env));
  return c.json({ transfer: presentTransfer(row) }, 201);
};

export const listTransfers: AppRouteHandler<typeof routes.listTransfers> = async (c) => {
  const { limit, cursor, wallet_id } = c.req.valid("query");
  const page = await queries.listVisibleTransfers(createDb(c.env.DB), c.get("user").user_id, { limit, cursor, walletId: wallet_id });
  return c.json({ transfers: page.transfers.map(presentTransfer), next_cursor: page.nextCursor }, 200);
};

export const getTransfer: AppRouteHandler<typeof routes.getTransfer> = async (c) => {
  const { transfer_id } = c.req.valid("param");
  const row = isId(transfer_id) ? await queries.findVisibleTransfer(createDb(c.env.DB), c.get("user").user_id, transfer_id) : undefined;
  if (!row) throw notFound("Transfer");
  return c.json({ transfer: presentTransfer(row) }, 200);
};
