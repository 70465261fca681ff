import { and, asc, desc, eq, or, sql } from "drizzle-orm";
import type { Db } from "../lib/db";
import type { EventPayload } from "../lib/events";
import { parseAmount } from "../lib/money";
import { keysetAfter, nextCursor } from "../lib/pagination";
import { assertWalletOwner } from "../lib/queries";
import { transfers, users, wallets } from "../lib/schema";

export type TransferRow = typeof transfers.$inferSelect;
export type TransferFacts = EventPayload<"TRANSFER_REQUESTED">;

/** The wallet, its owner and the owner's name, or undefined when no such wallet exists. */
export const findWallet = (db: Db, walletId: string) =>
  db
    .select({ walletId: wallets.walletId, userId: users.userId, name: users.name })
    .from(wallets)
    .innerJoin(users, eq(users.userId, wallets.userId))
    .where(eq(wallets.walletId, walletId))
    .get();

/** A user's first wallet (where money sent to their email goes) and their name, by email. */
export async function findFirstWalletByEmail(db: Db, email: string) {
  return db
    .select({ walletId: wallets.walletId, userId: users.userId, name: users.name })
    .from(users)
    .innerJoin(wallets, eq(wallets.userId, users.userId))
    .where(eq(users.email, email.toLowerCase()))
    .orderBy(asc(wallets.createdAt))
    .limit(1)
    .get();
}

export const findUserName = async (db: Db, userId: string) =>
  (await db.select({ name: users.name }).from(users).where(eq(users.userId, userId)).get())?.name ?? null;

const cents = (amount: string) => {
  const parsed = parseAmount(amount, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) throw new Error(`invalid amount in a transfer: ${amount}`);
  return parsed.cents;
};

const rowOf = (facts: TransferFacts, status: TransferRow["status"], completedAt: string | null, now: string): TransferRow => ({
  transferId: facts.transfer_id,
  fromWalletId: facts.from_wallet_id,
  toWalletId: facts.to_wallet_id,
  fromUserId: facts.from_user_id,
  toUserId: facts.to_user_id,
  amountCents: cents(facts.amount),
  description: facts.description,
  status,
  senderName: facts.sender_name,
  recipientName: facts.recipient_name,
  createdAt: facts.created_at,
  completedAt,
  updatedAt: now,
});

const byId = (db: Db, transferId: string) => db.select().from(transfers).where(eq(transfers.transferId, transferId));

/**
 * Records a debited transfer as PENDING; a record that exists already (a retry, or the saga got there
 * first) is kept. One round trip: the insert and the read of the record as it stands.
 */
export async function recordPending(db: Db, facts: TransferFacts, now: string): Promise<TransferRow> {
  const [, [row]] = await db.batch([
    db
      .insert(transfers)
      .values(rowOf(facts, "PENDING", null, now))
      .onConflictDoNothing(),
    byId(db, facts.transfer_id),
  ]);
  if (!row) throw new Error(`transfer ${facts.transfer_id} was not recorded`);
  return row;
}

/**
 * The saga's terminal state, once: inserted if the record does not exist yet (the outcome can arrive
 * before the request's own write), otherwise moved from PENDING; a terminal record never changes.
 * Answers the record as it stands after that, in the same round trip.
 */
export async function recordOutcome(
  db: Db,
  facts: TransferFacts,
  status: "COMPLETED" | "REVERSED",
  completedAt: string,
  now: string,
): Promise<TransferRow | undefined> {
  const [, [row]] = await db.batch([
    db
      .insert(transfers)
      .values(rowOf(facts, status, completedAt, now))
      .onConflictDoUpdate({
        target: transfers.transferId,
        set: { status, completedAt, updatedAt: now },
        setWhere: sql`${transfers.status} = 'PENDING'`,
      }),
    byId(db, facts.transfer_id),
  ]);
  return row;
}

/** A transfer its sender or its recipient may see; undefined for anyone else. */
export const findVisibleTransfer = (db: Db, userId: string, transferId: string) =>
  db
    .select()
    .from(transfers)
    .where(and(eq(transfers.transferId, transferId), or(eq(transfers.fromUserId, userId), eq(transfers.toUserId, userId))))
    .get();

/** One page of the transfers a user sent or received (optionally of one of their wallets), newest first. */
export async function listVisibleTransfers(
  db: Db,
  userId: string,
  { limit, cursor, walletId }: { limit: number; cursor?: string | undefined; walletId?: string | undefined },
) {
  if (walletId !== undefined) await assertWalletOwner(db, userId, walletId);
  const party = walletId
    ? or(eq(transfers.fromWalletId, walletId), eq(transfers.toWalletId, walletId))
    : or(eq(transfers.fromUserId, userId), eq(transfers.toUserId, userId));
  const rows = await db
    .select()
    .from(transfers)
    .where(and(party, keysetAfter(cursor, transfers.createdAt, transfers.transferId)))
    .orderBy(desc(transfers.createdAt), desc(transfers.transferId))
    .limit(limit + 1);
  return { transfers: rows.slice(0, limit), nextCursor: nextCursor(rows, limit, (r) => ({ t: r.createdAt, i: r.transferId })) };
}
