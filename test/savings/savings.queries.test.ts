import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../workers/lib/db";
import { wallets } from "../../workers/lib/schema";
import { createGoal, findOwnGoal, type GoalRow, listWalletGoals, markGoalDeleted } from "../../workers/savings/savings.queries";

const db = createDb(env.DB);
const now = "2026-01-01T00:00:00.000Z";

async function goalOf(userId: string): Promise<GoalRow> {
  const walletId = crypto.randomUUID();
  await db.insert(wallets).values({ walletId, userId, currency: "USD", createdAt: now });
  const row: GoalRow = {
    goalId: crypto.randomUUID(),
    walletId,
    userId,
    goalName: "Trip",
    targetCents: 50_000,
    currentCents: 0,
    targetDate: null,
    status: "ACTIVE",
    ledgerVersion: 0,
    createdAt: now,
    updatedAt: now,
  };
  await createGoal(db, row);
  return row;
}

describe("savings goal queries are scoped to the owner", () => {
  const owner = crypto.randomUUID();
  const other = crypto.randomUUID();

  it("a goal is found for its owner only, and not once deleted", async () => {
    const goal = await goalOf(owner);
    expect(await findOwnGoal(db, owner, goal.goalId)).toEqual(goal);
    expect(await findOwnGoal(db, other, goal.goalId)).toBeUndefined();
    expect(await markGoalDeleted(db, goal.goalId, now)).toBe(true);
    expect(await findOwnGoal(db, owner, goal.goalId)).toBeUndefined();
    expect(await markGoalDeleted(db, goal.goalId, now)).toBe(false);
  });

  it("a wallet's goals are refused to anyone but the wallet's owner", async () => {
    const goal = await goalOf(owner);
    expect(await listWalletGoals(db, owner, goal.walletId)).toEqual([goal]);
    await expect(listWalletGoals(db, other, goal.walletId)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
