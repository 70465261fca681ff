import { formatCents } from "../domain/money";
import type { GoalRow } from "./savings.queries";

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
