import { and, desc, eq, lt, ne, notInArray } from "drizzle-orm";
import type { PocketView } from "../../durable-objects/wallet-ledger.types";
import { formatCents } from "../domain/money";
import { createRouter } from "../lib/app";
import { createDb, type Db } from "../lib/db";
import { AppError, invalidState, notFound } from "../lib/errors";
import { transferIdFor } from "../lib/idempotency";
import { isId, nowIso, resourceIdFor } from "../lib/ids";
import { ledgerFor, presentTransaction, presentWallet, unwrap } from "../lib/ledger";
import { assertWalletOwner } from "../lib/queries";
import { savingsGoals } from "../lib/schema";
import * as routes from "./savings.routes";

type GoalRow = typeof savingsGoals.$inferSelect;

/** Whole months from `today` to `targetDate`, counting the current month; at least one. */
export function monthsUntil(targetDate: string, today: Date = new Date()): number {
  const [y, m, d] = targetDate.split("-").map(Number) as [number, number, number];
  const months = (y - today.getUTCFullYear()) * 12 + (m - 1 - today.getUTCMonth()) + (d >= today.getUTCDate() ? 1 : 0);
  return Math.max(1, months);
}

export function presentGoal(row: GoalRow, currentCents: number = row.currentCents, today: Date = new Date()) {
  const remaining = Math.max(0, row.targetCents - currentCents);
  const status = row.status === "REDEEMED" || row.status === "ARCHIVED" ? row.status : "ACTIVE";
  return {
    goal_id: row.goalId,
    wallet_id: row.walletId,
    goal_name: row.goalName,
    target_amount: formatCents(row.targetCents),
    current_amount: formatCents(currentCents),
    target_date: row.targetDate,
    status,
    progress: Math.min(1, Math.floor((currentCents * 10_000) / row.targetCents) / 10_000),
    monthly_needed: row.targetDate && status === "ACTIVE" ? formatCents(Math.ceil(remaining / monthsUntil(row.targetDate, today))) : null,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  } as const;
}

async function ownGoal(db: Db, userId: string, goalId: string): Promise<GoalRow> {
  if (!isId(goalId)) throw notFound("Savings goal");
  const row = await db
    .select()
    .from(savingsGoals)
    .where(and(eq(savingsGoals.goalId, goalId), eq(savingsGoals.userId, userId), ne(savingsGoals.status, "DELETED")))
    .get();
  if (!row) throw notFound("Savings goal");
  return row;
}

/** Mirrors the pocket into D1; the version guard keeps a slower, older reply from overwriting a newer one. */
async function mirror(db: Db, row: GoalRow, pocket: PocketView, status: GoalRow["status"]): Promise<GoalRow> {
  const now = nowIso();
  await db
    .update(savingsGoals)
    .set({ currentCents: pocket.amount, targetCents: pocket.target, ledgerVersion: pocket.version, status, updatedAt: now })
    .where(and(eq(savingsGoals.goalId, row.goalId), lt(savingsGoals.ledgerVersion, pocket.version)));
  return { ...row, currentCents: pocket.amount, targetCents: pocket.target, ledgerVersion: pocket.version, status, updatedAt: now };
}

export const savingsRouter = createRouter()
  .openapi(routes.createGoal, async (c) => {
    const body = c.req.valid("json");
    const user = c.get("user");
    const db = createDb(c.env.DB);
    await assertWalletOwner(db, user.user_id, body.wallet_id);
    const now = nowIso();
    const key = c.get("idempotencyKey");
    const row: GoalRow = {
      goalId: await resourceIdFor("goal", user.user_id, key),
      walletId: body.wallet_id,
      userId: user.user_id,
      goalName: body.goal_name,
      targetCents: body.target_amount,
      currentCents: 0,
      targetDate: body.target_date ?? null,
      status: "ACTIVE",
      ledgerVersion: 0,
      createdAt: now,
      updatedAt: now,
    };
    await db.insert(savingsGoals).values(row).onConflictDoNothing();
    return c.json({ goal: presentGoal(row) }, 201);
  })
  .openapi(routes.goalsByWallet, async (c) => {
    const { wallet_id } = c.req.valid("param");
    const user = c.get("user");
    const db = createDb(c.env.DB);
    await assertWalletOwner(db, user.user_id, wallet_id);
    const rows = await db
      .select()
      .from(savingsGoals)
      .where(and(eq(savingsGoals.walletId, wallet_id), notInArray(savingsGoals.status, ["DELETED", "ARCHIVED"])))
      .orderBy(desc(savingsGoals.createdAt))
      .limit(200);
    return c.json({ goals: rows.map((row) => presentGoal(row)) }, 200);
  })
  .openapi(routes.getGoal, async (c) => {
    const row = await ownGoal(createDb(c.env.DB), c.get("user").user_id, c.req.valid("param").goal_id);
    // The ledger is the truth for the amount; D1 mirrors it.
    const pocket = await ledgerFor(c.env, row.walletId).getPocket(null, row.goalId);
    return c.json({ goal: presentGoal(row, pocket?.amount ?? row.currentCents) }, 200);
  })
  .openapi(routes.addToGoal, async (c) => {
    const user = c.get("user");
    const db = createDb(c.env.DB);
    const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
    if (row.status !== "ACTIVE") throw invalidState("A redeemed goal takes no more money");
    const { amount } = c.req.valid("json");
    const outcome = unwrap(
      await ledgerFor(c.env, row.walletId).pocketAdd({
        transferId: await transferIdFor(user.user_id, c.get("idempotencyKey"), `goal-add:${row.goalId}`),
        owner: user.user_id,
        goalId: row.goalId,
        amount,
        target: row.targetCents,
        description: `Saved for ${row.goalName}`,
        now: nowIso(),
      }),
      "Savings goal",
    );
    const goal = await mirror(db, row, outcome.pocket, "ACTIVE");
    return c.json({ goal: presentGoal(goal), wallet: presentWallet(outcome.wallet) }, 200);
  })
  .openapi(routes.redeemGoal, async (c) => {
    const user = c.get("user");
    const db = createDb(c.env.DB);
    const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
    if (row.status !== "ACTIVE") throw invalidState("This goal is already redeemed");
    const outcome = unwrap(
      await ledgerFor(c.env, row.walletId).pocketRelease({
        // Not a fixed id: a refused redeem (below target) must not be replayed once the target is reached.
        transferId: await transferIdFor(user.user_id, c.get("idempotencyKey"), `goal-redeem:${row.goalId}`),
        owner: user.user_id,
        goalId: row.goalId,
        mode: "redeem",
        target: row.targetCents,
        description: `Redeemed ${row.goalName}`,
        now: nowIso(),
      }),
      "Savings goal",
    );
    const goal = await mirror(db, row, outcome.pocket, "REDEEMED");
    // Show what was redeemed rather than the emptied pocket.
    return c.json(
      { goal: presentGoal({ ...goal, currentCents: outcome.released ?? 0 }, outcome.released ?? 0), wallet: presentWallet(outcome.wallet) },
      200,
    );
  })
  .openapi(routes.deleteGoal, async (c) => {
    const user = c.get("user");
    const db = createDb(c.env.DB);
    const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
    let returned = 0;
    if (row.status === "ACTIVE") {
      const outcome = await ledgerFor(c.env, row.walletId).pocketRelease({
        transferId: `goal-close:${row.goalId}`,
        owner: user.user_id,
        goalId: row.goalId,
        mode: "close",
        target: row.targetCents,
        description: `Closed ${row.goalName}`,
        now: nowIso(),
      });
      // A goal redeemed a moment ago refuses to close: it holds no money, so deleting it is still fine.
      if (!outcome.ok && outcome.code !== "INVALID_STATE") unwrap(outcome, "Savings goal");
      if (outcome.ok) returned = outcome.released ?? 0;
    }
    const now = nowIso();
    const deleted = await db
      .update(savingsGoals)
      .set({ status: "DELETED", currentCents: 0, updatedAt: now })
      .where(and(eq(savingsGoals.goalId, row.goalId), ne(savingsGoals.status, "DELETED")))
      .returning({ id: savingsGoals.goalId });
    if (deleted.length === 0) throw notFound("Savings goal");
    return c.json({ goal: presentGoal({ ...row, currentCents: 0, updatedAt: now }), returned_amount: formatCents(returned) }, 200);
  })
  .openapi(routes.updateGoal, async (c) => {
    const user = c.get("user");
    const db = createDb(c.env.DB);
    const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
    if (row.status !== "ACTIVE") throw invalidState("A redeemed goal can no longer be edited");
    const body = c.req.valid("json");
    const now = nowIso();
    let goal: GoalRow = {
      ...row,
      goalName: body.goal_name ?? row.goalName,
      targetDate: body.target_date === undefined ? row.targetDate : body.target_date,
      updatedAt: now,
    };
    if (body.target_amount !== undefined && body.target_amount !== row.targetCents) {
      // The ledger holds the target redeem checks against: change it there first, atomically with the check.
      const outcome = await ledgerFor(c.env, row.walletId).pocketRetarget({
        owner: user.user_id,
        goalId: row.goalId,
        target: body.target_amount,
        now,
      });
      if (!outcome.ok && outcome.code === "BELOW_CURRENT") {
        const saved = formatCents(outcome.pocket?.amount ?? 0);
        throw new AppError("VALIDATION_ERROR", `The target cannot be below the ${saved} already saved`, [
          { path: "body.target_amount", message: `must be at least the ${saved} already saved` },
        ]);
      }
      if (!outcome.ok && outcome.code === "INVALID_STATE") throw invalidState("A redeemed goal can no longer be edited");
      if (!outcome.ok) throw notFound("Savings goal");
      goal = { ...goal, targetCents: outcome.pocket.target, currentCents: outcome.pocket.amount, ledgerVersion: outcome.pocket.version };
      await db.batch([
        db
          .update(savingsGoals)
          .set({ targetCents: goal.targetCents, currentCents: goal.currentCents, ledgerVersion: goal.ledgerVersion })
          .where(and(eq(savingsGoals.goalId, row.goalId), lt(savingsGoals.ledgerVersion, goal.ledgerVersion))),
        db
          .update(savingsGoals)
          .set({ goalName: goal.goalName, targetDate: goal.targetDate, updatedAt: now })
          .where(and(eq(savingsGoals.goalId, row.goalId), eq(savingsGoals.status, "ACTIVE"))),
      ]);
    } else {
      await db
        .update(savingsGoals)
        .set({ goalName: goal.goalName, targetDate: goal.targetDate, updatedAt: now })
        .where(and(eq(savingsGoals.goalId, row.goalId), eq(savingsGoals.status, "ACTIVE")));
    }
    return c.json({ goal: presentGoal(goal) }, 200);
  })
  .openapi(routes.archiveGoal, async (c) => {
    const user = c.get("user");
    const db = createDb(c.env.DB);
    const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
    if (row.status === "ARCHIVED") return c.json({ goal: presentGoal(row) }, 200);
    if (row.status !== "REDEEMED") throw invalidState("Only a redeemed goal can be archived; delete an active one instead");
    const now = nowIso();
    const archived = await db
      .update(savingsGoals)
      .set({ status: "ARCHIVED", updatedAt: now })
      .where(and(eq(savingsGoals.goalId, row.goalId), eq(savingsGoals.status, "REDEEMED")))
      .returning({ id: savingsGoals.goalId });
    if (archived.length === 0) throw invalidState("The goal changed meanwhile; try again");
    return c.json({ goal: presentGoal({ ...row, status: "ARCHIVED", updatedAt: now }) }, 200);
  })
  .openapi(routes.goalTransactions, async (c) => {
    const user = c.get("user");
    const row = await ownGoal(createDb(c.env.DB), user.user_id, c.req.valid("param").goal_id);
    const page = await ledgerFor(c.env, row.walletId).listTransactions(user.user_id, { limit: 500, referenceId: row.goalId });
    if (!page) throw new AppError("NOT_FOUND", "Savings goal not found");
    return c.json({ transactions: page.transactions.map(presentTransaction) }, 200);
  });
