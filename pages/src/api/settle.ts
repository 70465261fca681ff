/**
 * A payment or repayment is PENDING until its saga ends. The live feed announces the wallet's
 * debit, but the saga's terminal status is written a moment later, and a refusal (no debit) is
 * not on the wallet's feed at all. So while a fresh item is still PENDING, its query re-checks on
 * a short, bounded schedule; an item pending for longer is left to the live feed and window focus.
 */
type Pending = { status: string; created_at: string };

export function settleInterval(items: readonly Pending[] | undefined, now = Date.now()): number | false {
  let youngest = Number.POSITIVE_INFINITY;
  for (const item of items ?? []) {
    if (item.status !== "PENDING") continue;
    const age = now - Date.parse(item.created_at);
    if (Number.isFinite(age)) youngest = Math.min(youngest, Math.max(age, 0));
  }
  if (youngest < 15_000) return 1_000;
  if (youngest < 120_000) return 5_000;
  return false;
}
