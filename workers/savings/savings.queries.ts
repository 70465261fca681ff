import { and, desc, eq, lt, ne, notInArray } from "drizzle-orm";
import type { PocketView } from "../../durable-objects/wallet-ledger.types";
import type { Db } from "../lib/db";
import { nowIso } from "../lib/ids";
import { assertWalletOwner } from "../lib/queries";
import { savingsGoals } from "../lib/schema";

export type GoalRow = typeof savingsGoals.$inferSelect;

/** The user's goal, unless deleted. */
export function findOwnGoal(db: Db, userId: string, goalId: string): Promise<GoalRow | undefined> {
  return db
    .select()
    .from(savingsGoals)
    .where(and(eq(savingsGoals.goalId, goalId), eq(savingsGoals.userId, userId), ne(savingsGoals.status, "DELETED")))
    .get();
}

/** Inserts the goal unless its id exists (an Idempotency-Key retry). */
export async function createGoal(db: Db, row: GoalRow): Promise<void> {
  await db.insert(savingsGoals).values(row).onConflictDoNothing();
}

/** A wallet's goals still shown (neither deleted nor archived), newest first; throws 404 unless the wallet is the user's. */
export async function listWalletGoals(db: Db, userId: string, walletId: string): Promise<GoalRow[]> {
  await assertWalletOwner(db, userId, walletId);
  return db
    .select()
    .from(savingsGoals)
    .where(and(eq(savingsGoals.walletId, walletId), notInArray(savingsGoals.status, ["DELETED", "ARCHIVED"])))
    .orderBy(desc(savingsGoals.createdAt))
    .limit(200);
}

/** Mirrors the pocket into D1; the version guard keeps a slower, older reply from overwriting a newer one. */
export async function mirrorPocket(db: Db, row: GoalRow, pocket: PocketView, status: GoalRow["status"]): Promise<GoalRow> {
  const now = nowIso();
  await db
    .update(savingsGoals)
    .set({ currentCents: pocket.amount, targetCents: pocket.target, ledgerVersion: pocket.version, status, updatedAt: now })
    .where(and(eq(savingsGoals.goalId, row.goalId), lt(savingsGoals.ledgerVersion, pocket.version)));
  return { ...row, currentCents: pocket.amount, targetCents: pocket.target, ledgerVersion: pocket.version, status, updatedAt: now };
}

/** False when the goal was deleted meanwhile. */
export async function markGoalDeleted(db: Db, goalId: string, now: string): Promise<boolean> {
  const deleted = await db
    .update(savingsGoals)
    .set({ status: "DELETED", currentCents: 0, updatedAt: now })
    .where(and(eq(savingsGoals.goalId, goalId), ne(savingsGoals.status, "DELETED")))
    .returning({ id: savingsGoals.goalId });
  return deleted.length > 0;
}

const saveDetails = (db: Db, goal: GoalRow, now: string) =>
  db
    .update(savingsGoals)
    .set({ goalName: goal.goalName, targetDate: goal.targetDate, updatedAt: now })
    .where(and(eq(savingsGoals.goalId, goal.goalId), eq(savingsGoals.status, "ACTIVE")));

/** Saves an ACTIVE goal's name and date. */
export async function updateGoalDetails(db: Db, goal: GoalRow, now: string): Promise<void> {
  await saveDetails(db, goal, now);
}

/**
 * Saves a goal whose target the ledger has just changed: the mirrored amounts (version-guarded, as
 * in `mirrorPocket`) and the name and date, in one batch.
 */
export async function updateRetargetedGoal(db: Db, goal: GoalRow, now: string): Promise<void> {
  await db.batch([
    db
      .update(savingsGoals)
      .set({ targetCents: goal.targetCents, currentCents: goal.currentCents, ledgerVersion: goal.ledgerVersion })
      .where(and(eq(savingsGoals.goalId, goal.goalId), lt(savingsGoals.ledgerVersion, goal.ledgerVersion))),
    saveDetails(db, goal, now),
  ]);
}

/** REDEEMED → ARCHIVED; false when the goal changed meanwhile. */
export async function archiveRedeemedGoal(db: Db, goalId: string, now: string): Promise<boolean> {
  const archived = await db
    .update(savingsGoals)
    .set({ status: "ARCHIVED", updatedAt: now })
    .where(and(eq(savingsGoals.goalId, goalId), eq(savingsGoals.status, "REDEEMED")))
    .returning({ id: savingsGoals.goalId });
  return archived.length > 0;
}
