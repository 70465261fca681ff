import { z } from "@hono/zod-openapi";
import { IdParam, jsonResponse } from "../lib/app";
import { TransactionSchema, WalletSchema } from "../lib/ledger";
import { amountSchema, moneyString } from "../lib/money";
import { userRoute } from "../lib/routes";
import { textSchema } from "../lib/text";

const tags = ["Savings goals"];

export const GoalSchema = z
  .object({
    goal_id: z.string(),
    wallet_id: z.string(),
    goal_name: z.string(),
    target_amount: moneyString,
    current_amount: moneyString.openapi({ description: "The money in the goal (held in the wallet's ledger as a pocket)" }),
    target_date: z.string().nullable().openapi({ example: "2027-06-30" }),
    status: z.enum(["ACTIVE", "REDEEMED", "ARCHIVED"]).openapi({
      description: "ARCHIVED: a redeemed goal put away by its owner; it leaves the wallet's list of goals",
    }),
    progress: z.number().min(0).max(1).openapi({ description: "current / target, 0..1, rounded down to 4 decimals" }),
    monthly_needed: moneyString.nullable().openapi({
      description:
        "With a target_date and an ACTIVE goal: what to save per month to reach the target, counting the current month (at least one); otherwise null",
    }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("SavingsGoal");

const GoalParam = IdParam("goal_id");
const GoalAndWallet = z.object({ goal: GoalSchema, wallet: WalletSchema });
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    "must be a real date",
  );

export const createGoal = userRoute({
  method: "post",
  path: "/savings-goal",
  operationId: "createSavingsGoal",
  tags,
  summary: "Create a savings goal",
  idempotency: "stored",
  body: z.strictObject({
    wallet_id: z.string().min(1).max(100),
    goal_name: textSchema({ max: 100 }).openapi({ example: "Holiday" }),
    target_amount: amountSchema(),
    target_date: IsoDate.optional(),
  }),
  responses: { 201: jsonResponse(z.object({ goal: GoalSchema }), "The goal, empty") },
  errors: ["NOT_FOUND"],
});

export const goalsByWallet = userRoute({
  method: "get",
  path: "/savings-goal/by-wallet/{wallet_id}",
  operationId: "listWalletSavingsGoals",
  tags,
  summary: "A wallet's goals (deleted ones are gone), newest first",
  request: { params: IdParam("wallet_id") },
  responses: { 200: jsonResponse(z.object({ goals: z.array(GoalSchema) }), "The goals") },
  errors: ["NOT_FOUND"],
});

export const getGoal = userRoute({
  method: "get",
  path: "/savings-goal/{goal_id}",
  operationId: "getSavingsGoal",
  tags,
  summary: "One goal",
  request: { params: GoalParam },
  responses: { 200: jsonResponse(z.object({ goal: GoalSchema }), "The goal") },
  errors: ["NOT_FOUND"],
});

export const deleteGoal = userRoute({
  method: "delete",
  path: "/savings-goal/{goal_id}",
  operationId: "deleteSavingsGoal",
  tags,
  summary: "Delete a goal; its money goes back to the wallet first (one ledger transaction)",
  rateLimit: "MONEY_RATE_LIMIT",
  request: { params: GoalParam },
  responses: {
    200: jsonResponse(z.object({ goal: GoalSchema, returned_amount: moneyString }), "The goal as it was closed, and the money returned"),
  },
  errors: ["NOT_FOUND"],
});

export const addToGoal = userRoute({
  method: "post",
  path: "/savings-goal/{goal_id}/add",
  operationId: "addToSavingsGoal",
  tags,
  summary: "Move money from the wallet into the goal (atomic)",
  rateLimit: "MONEY_RATE_LIMIT",
  idempotency: "stored",
  request: { params: GoalParam },
  body: z.strictObject({ amount: amountSchema() }),
  responses: { 200: jsonResponse(GoalAndWallet, "The goal and the wallet after the move") },
  errors: ["NOT_FOUND", "INSUFFICIENT_FUNDS", "INVALID_STATE"],
});

export const redeemGoal = userRoute({
  method: "post",
  path: "/savings-goal/{goal_id}/redeem",
  operationId: "redeemSavingsGoal",
  tags,
  summary: "Move all of a goal's money back to the wallet once it reached its target (atomic)",
  rateLimit: "MONEY_RATE_LIMIT",
  idempotency: "stored",
  request: { params: GoalParam },
  responses: { 200: jsonResponse(GoalAndWallet, "The goal, REDEEMED, and the wallet") },
  errors: ["NOT_FOUND", "GOAL_NOT_REACHED", "INVALID_STATE"],
});

export const goalTransactions = userRoute({
  method: "get",
  path: "/savings-goal/{goal_id}/transactions",
  operationId: "listSavingsGoalTransactions",
  tags,
  summary: "The goal's SAVINGS_ADD and SAVINGS_REDEEM transactions, newest first",
  request: { params: GoalParam },
  responses: { 200: jsonResponse(z.object({ transactions: z.array(TransactionSchema) }), "The transactions") },
  errors: ["NOT_FOUND"],
});

export const updateGoal = userRoute({
  method: "patch",
  path: "/savings-goal/{goal_id}",
  operationId: "updateSavingsGoal",
  tags,
  summary: "Edit an active goal's name, target or target date (no money moves)",
  description:
    "Only the fields sent change; `target_date: null` removes the date. The target can never go below the money already in the goal (400 on `target_amount`); a redeemed or archived goal can no longer be edited (409).",
  request: { params: GoalParam },
  body: z
    .strictObject({
      goal_name: z.string().trim().min(1).max(100).optional(),
      target_amount: amountSchema().optional(),
      target_date: IsoDate.nullable().optional(),
    })
    .refine((body) => Object.values(body).some((value) => value !== undefined), "send at least one field to change"),
  responses: { 200: jsonResponse(z.object({ goal: GoalSchema }), "The goal after the change") },
  errors: ["NOT_FOUND", "INVALID_STATE"],
});

export const archiveGoal = userRoute({
  method: "post",
  path: "/savings-goal/{goal_id}/archive",
  operationId: "archiveSavingsGoal",
  tags,
  summary: "Put a redeemed goal away: it leaves the wallet's list of goals (repeating it is harmless)",
  request: { params: GoalParam },
  responses: { 200: jsonResponse(z.object({ goal: GoalSchema }), "The goal, ARCHIVED") },
  errors: ["NOT_FOUND", "INVALID_STATE"],
});
