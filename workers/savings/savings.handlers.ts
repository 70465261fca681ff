import { formatCents } from "../domain/money";
import type { AppRouteHandler } from "../lib/app";
import { recordBusinessEvents } from "../lib/business-events";
import { businessNow } from "../lib/clock";
import { createDb, type Db } from "../lib/db";
import { AppError, invalidState, notFound } from "../lib/errors";
import { transferIdFor } from "../lib/idempotency";
import { isId, nowIso, resourceIdFor } from "../lib/ids";
import { ledgerFor, presentTransaction, presentWallet, unwrap } from "../lib/ledger";
import { assertWalletOwner } from "../lib/queries";
import { presentGoal } from "./savings.presenters";
import * as queries from "./savings.queries";
import type * as routes from "./savings.routes";

async function ownGoal(db: Db, userId: string, goalId: string): Promise<queries.GoalRow> {
  if (!isId(goalId)) throw notFound("Savings goal");
  const row = await queries.findOwnGoal(db, userId, goalId);
  if (!row) throw notFound("Savings goal");
  return row;
}

export const createGoal: AppRouteHandler<typeof routes.createGoal> = async (c) => {
  const body = c.req.valid("json");
  const user = c.get("user");
  const db = createDb(c.env.DB);
  await assertWalletOwner(db, user.user_id, body.wallet_id);
  const now = nowIso();
  const key = c.get("idempotencyKey");
  const row: queries.GoalRow = {
    goalId: resourceIdFor("goal", user.user_id, key),
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
  await queries.createGoal(db, row);
  return c.json({ goal: presentGoal(row) }, 201);
};

export const goalsByWallet: AppRouteHandler<typeof routes.goalsByWallet> = async (c) => {
  const rows = await queries.listWalletGoals(createDb(c.env.DB), c.get("user").user_id, c.req.valid("param").wallet_id);
  return c.json({ goals: rows.map((row) => presentGoal(row)) }, 200);
};

export const getGoal: AppRouteHandler<typeof routes.getGoal> = async (c) => {
  const row = await ownGoal(createDb(c.env.DB), c.get("user").user_id, c.req.valid("param").goal_id);
  // The ledger is the truth for the amount; D1 mirrors it.
  const pocket = await ledgerFor(c.env, row.walletId).getPocket(null, row.goalId);
  return c.json({ goal: presentGoal(row, pocket?.amount ?? row.currentCents) }, 200);
};

export const addToGoal: AppRouteHandler<typeof routes.addToGoal> = async (c) => {
  const user = c.get("user");
  const db = createDb(c.env.DB);
  const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
  if (row.status !== "ACTIVE") throw invalidState("A redeemed goal takes no more money");
  const { amount } = c.req.valid("json");
  const outcome = unwrap(
    await ledgerFor(c.env, row.walletId).pocketAdd({
      transferId: transferIdFor(user.user_id, c.get("idempotencyKey"), `goal-add:${row.goalId}`),
      owner: user.user_id,
      goalId: row.goalId,
      goalName: row.goalName,
      amount,
      target: row.targetCents,
      description: `Saved for ${row.goalName}`,
      now: await businessNow(c.env),
    }),
    "Savings goal",
  );
  const goal = await queries.mirrorPocket(db, row, outcome.pocket, "ACTIVE");
  // Reaching the target is a business event, once per goal (a replayed or later add records nothing more).
  if (goal.currentCents >= goal.targetCents) {
    await recordBusinessEvents(c.env, [{ type: "goal.reached", userId: user.user_id, businessId: goal.goalId, data: presentGoal(goal) }]);
  }
  return c.json({ goal: presentGoal(goal), wallet: presentWallet(outcome.wallet) }, 200);
};

export const redeemGoal: AppRouteHandler<typeof routes.redeemGoal> = async (c) => {
  const user = c.get("user");
  const db = createDb(c.env.DB);
  const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
  if (row.status !== "ACTIVE") throw invalidState("This goal is already redeemed");
  const outcome = unwrap(
    await ledgerFor(c.env, row.walletId).pocketRelease({
      // Not a fixed id: a refused redeem (below target) must not be replayed once the target is reached.
      transferId: transferIdFor(user.user_id, c.get("idempotencyKey"), `goal-redeem:${row.goalId}`),
      owner: user.user_id,
      goalId: row.goalId,
      goalName: row.goalName,
      mode: "redeem",
      target: row.targetCents,
      description: `Redeemed ${row.goalName}`,
      now: await businessNow(c.env),
    }),
    "Savings goal",
  );
  const goal = await queries.mirrorPocket(db, row, outcome.pocket, "REDEEMED");
  // Show what was redeemed rather than the emptied pocket.
  return c.json(
    { goal: presentGoal({ ...goal, currentCents: outcome.released ?? 0 }, outcome.released ?? 0), wallet: presentWallet(outcome.wallet) },
    200,
  );
};

export const deleteGoal: AppRouteHandler<typeof routes.deleteGoal> = async (c) => {
  const user = c.get("user");
  const db = createDb(c.env.DB);
  const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
  let returned = 0;
  if (row.status === "ACTIVE") {
    const outcome = await ledgerFor(c.env, row.walletId).pocketRelease({
      transferId: `goal-close:${row.goalId}`,
      owner: user.user_id,
      goalId: row.goalId,
      goalName: row.goalName,
      mode: "close",
      target: row.targetCents,
      description: `Closed ${row.goalName}`,
      now: await businessNow(c.env),
    });
    // A goal redeemed a moment ago refuses to close: it holds no money, so deleting it is still fine.
    if (!outcome.ok && outcome.code !== "INVALID_STATE") unwrap(outcome, "Savings goal");
    if (outcome.ok) returned = outcome.released ?? 0;
  }
  const now = nowIso();
  if (!(await queries.markGoalDeleted(db, row.goalId, now))) throw notFound("Savings goal");
  return c.json({ goal: presentGoal({ ...row, currentCents: 0, updatedAt: now }), returned_amount: formatCents(returned) }, 200);
};

export const updateGoal: AppRouteHandler<typeof routes.updateGoal> = async (c) => {
  const user = c.get("user");
  const db = createDb(c.env.DB);
  const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
  if (row.status !== "ACTIVE") throw invalidState("A redeemed goal can no longer be edited");
  const body = c.req.valid("json");
  const now = nowIso();
  let goal: queries.GoalRow = {
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
      now: await businessNow(c.env),
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
    await queries.updateRetargetedGoal(db, goal, now);
  } else {
    await queries.updateGoalDetails(db, goal, now);
  }
  return c.json({ goal: presentGoal(goal) }, 200);
};

export const archiveGoal: AppRouteHandler<typeof routes.archiveGoal> = async (c) => {
  const user = c.get("user");
  const db = createDb(c.env.DB);
  const row = await ownGoal(db, user.user_id, c.req.valid("param").goal_id);
  if (row.status === "ARCHIVED") return c.json({ goal: presentGoal(row) }, 200);
  if (row.status !== "REDEEMED") throw invalidState("Only a redeemed goal can be archived; delete an active one instead");
  const now = nowIso();
  if (!(await queries.archiveRedeemedGoal(db, row.goalId, now))) throw invalidState("The goal changed meanwhile; try again");
  return c.json({ goal: presentGoal({ ...row, status: "ARCHIVED", updatedAt: now }) }, 200);
};

export const goalTransactions: AppRouteHandler<typeof routes.goalTransactions> = async (c) => {
  const user = c.get("user");
  const row = await ownGoal(createDb(c.env.DB), user.user_id, c.req.valid("param").goal_id);
  const page = await ledgerFor(c.env, row.walletId).listTransactions(user.user_id, { limit: 500, referenceId: row.goalId });
  if (!page) throw new AppError("NOT_FOUND", "Savings goal not found");
  return c.json({ transactions: page.transactions.map(presentTransaction) }, 200);
};
