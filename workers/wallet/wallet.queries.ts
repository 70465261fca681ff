import { asc, eq } from "drizzle-orm";
import type { Db } from "../lib/db";
import { AppError } from "../lib/errors";
import { wallets } from "../lib/schema";

/** API.md: up to 10 wallets per user. */
const MAX_WALLETS_PER_USER = 10;

/**
 * Registers a new wallet id for the user unless they already have MAX_WALLETS_PER_USER: one
 * statement, so concurrent creates cannot get past the limit (D1 runs each statement atomically).
 * True when this call inserted the row, false for a retry of the same wallet id (Idempotency-Key).
 */
export async function claimWalletSlot(db: Db, walletId: string, userId: string, now: string): Promise<boolean> {
  const insert = await db.$client
    .prepare(
      `INSERT INTO wallets (wallet_id, user_id, currency, created_at)
       SELECT ?1, ?2, 'USD', ?3 WHERE (SELECT COUNT(*) FROM wallets WHERE user_id = ?2) < ?4
       ON CONFLICT (wallet_id) DO NOTHING`,
    )
    .bind(walletId, userId, now, MAX_WALLETS_PER_USER)
    .run();
  if (insert.meta.changes > 0) return true;
  const existing = await db.$client.prepare("SELECT user_id FROM wallets WHERE wallet_id = ?").bind(walletId).first<{ user_id: string }>();
  if (existing?.user_id === userId) return false;
  throw new AppError("WALLET_LIMIT", `A user can have at most ${MAX_WALLETS_PER_USER} wallets`);
}

/** Gives a claimed slot back. */
export async function releaseWalletSlot(db: Db, walletId: string): Promise<void> {
  await db.$client.prepare("DELETE FROM wallets WHERE wallet_id = ?").bind(walletId).run();
}

/** The user's wallet ids, oldest first. */
export async function listWalletIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ walletId: wallets.walletId })
    .from(wallets)
    .where(eq(wallets.userId, userId))
    .orderBy(asc(wallets.createdAt));
  return rows.map((row) => row.walletId);
}

/**
 * Reserves `cents` of the user's sandbox deposits of `day` (UTC) unless that would take the day past
 * `limitCents`: one conditional upsert, so concurrent deposits can never pass the limit together.
 * True when reserved.
 */
export async function reserveDeposit(db: Db, userId: string, day: string, cents: number, limitCents: number): Promise<boolean> {
  const upsert = await db.$client
    .prepare(
      `INSERT INTO deposit_days (user_id, day, cents) SELECT ?1, ?2, ?3 WHERE ?3 <= ?4
       ON CONFLICT (user_id, day) DO UPDATE SET cents = cents + excluded.cents WHERE cents + excluded.cents <= ?4`,
    )
    .bind(userId, day, cents, limitCents)
    .run();
  return upsert.meta.changes === 1;
}

/** Gives a reservation back: the deposit it was made for did not move money. */
export async function releaseDeposit(db: Db, userId: string, day: string, cents: number): Promise<void> {
  await db.$client
    .prepare("UPDATE deposit_days SET cents = MAX(cents - ?3, 0) WHERE user_id = ?1 AND day = ?2")
    .bind(userId, day, cents)
    .run();
}
