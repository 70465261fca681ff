import type { Db } from "../lib/db";
import type { fundingDeposits } from "../lib/schema";

export type DepositRow = typeof fundingDeposits.$inferSelect;

/**
 * Claims a webhook id for its first delivery's body and answers the row that holds the claim: the
 * first delivery's, whichever delivery this is. Insert and read in one batch (one round trip).
 */
export async function claimDeposit(db: Db, deposit: DepositRow): Promise<DepositRow> {
  const [, read] = await db.$client.batch<{
    webhook_id: string;
    wallet_id: string;
    amount_cents: number;
    reference: string;
    created_at: string;
  }>([
    db.$client
      .prepare(
        `INSERT INTO funding_deposits (webhook_id, wallet_id, amount_cents, reference, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (webhook_id) DO NOTHING`,
      )
      .bind(deposit.webhookId, deposit.walletId, deposit.amountCents, deposit.reference, deposit.createdAt),
    db.$client
      .prepare("SELECT webhook_id, wallet_id, amount_cents, reference, created_at FROM funding_deposits WHERE webhook_id = ?")
      .bind(deposit.webhookId),
  ]);
  const row = read?.results[0];
  if (!row) throw new Error(`deposit ${deposit.webhookId} was claimed but cannot be read`);
  return {
    webhookId: row.webhook_id,
    walletId: row.wallet_id,
    amountCents: row.amount_cents,
    reference: row.reference,
    createdAt: row.created_at,
  };
}

/**
 * The user id of the wallet a deposit credited, or null for an unknown wallet. Not scoped to a user:
 * the processor's webhook has none, and this is how the deposit's event finds its owner.
 */
export async function findWalletOwnerId(db: Db, walletId: string): Promise<string | null> {
  const owner = await db.$client.prepare("SELECT user_id FROM wallets WHERE wallet_id = ?").bind(walletId).first<{ user_id: string }>();
  return owner === null ? null : owner.user_id;
}
