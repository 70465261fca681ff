import { createMiddleware } from "hono/factory";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { AppEnv, AppRouteHandler } from "../lib/app";
import { recordBusinessEvents } from "../lib/business-events";
import { businessNow } from "../lib/clock";
import { createDb } from "../lib/db";
import { AppError, notFound } from "../lib/errors";
import { isId, nowIso } from "../lib/ids";
import { ledgerFor, presentTransaction, unwrap } from "../lib/ledger";
import * as queries from "./funding.queries";
import type * as routes from "./funding.routes";

const MAX_WEBHOOK_ID = 255;

/**
 * The Standard Webhooks check (signature over the exact bytes received, timestamp within 5 minutes),
 * ahead of the route's validator: an unsigned request learns nothing about what the body should be.
 */
export const verifySignature = createMiddleware<AppEnv>(async (c, next) => {
  const secret = c.env.FUNDING_WEBHOOK_SECRET;
  if (!secret) throw new Error("FUNDING_WEBHOOK_SECRET is not set");
  const headers = {
    "webhook-id": c.req.header("webhook-id") ?? "",
    "webhook-timestamp": c.req.header("webhook-timestamp") ?? "",
    "webhook-signature": c.req.header("webhook-signature") ?? "",
  };
  try {
    new Webhook(secret).verify(await c.req.text(), headers, { jsonParse: false });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    throw new AppError("UNAUTHENTICATED", "The webhook signature is missing, wrong or too old");
  }
  if (headers["webhook-id"].length > MAX_WEBHOOK_ID) {
    throw new AppError("VALIDATION_ERROR", "The request is invalid", [
      { path: "webhook-id", message: `must be at most ${MAX_WEBHOOK_ID} characters` },
    ]);
  }
  await next();
});

export const deposit: AppRouteHandler<typeof routes.deposit> = async (c) => {
  const webhookId = c.req.header("webhook-id") ?? "";
  const { wallet_id, amount, reference } = c.req.valid("json");
  if (!isId(wallet_id)) throw notFound("Wallet");
  // The first delivery's body is the one that credits; every later delivery of the id answers it.
  const db = createDb(c.env.DB);
  const claim = await queries.claimDeposit(db, {
    webhookId,
    walletId: wallet_id,
    amountCents: amount,
    reference,
    createdAt: nowIso(),
  });
  if (claim.walletId !== wallet_id || claim.amountCents !== amount || claim.reference !== reference) {
    throw new AppError("IDEMPOTENCY_KEY_REUSED", "This webhook-id was delivered before with a different body");
  }
  const outcome = unwrap(
    await ledgerFor(c.env, claim.walletId).credit({
      transferId: `deposit:${claim.webhookId}`,
      owner: null,
      amount: claim.amountCents,
      type: "DEPOSIT",
      description: claim.reference,
      counterparty: { account: "funding", name: claim.reference },
      referenceId: null,
      now: await businessNow(c.env),
    }),
  );
  if (outcome.replayed) c.header("idempotent-replayed", "true");
  const transaction = presentTransaction(outcome.transaction);
  // Keyed by the webhook id: a replay (also one after a crash right here) records it once.
  const ownerId = await queries.findWalletOwnerId(db, claim.walletId);
  if (ownerId !== null)
    await recordBusinessEvents(c.env, [{ type: "deposit.received", userId: ownerId, businessId: claim.webhookId, data: transaction }]);
  return c.json({ transaction }, 200);
};
