import { formatCents } from "../domain/money";
import { formatPlan, formatPlanSummary, type Optimisation, type Plan, type Strategy } from "./simulate";

/** The answer: every plan, with its schedule where `wanted` asks for it, else its summary. */
export function presentOptimisation(outcome: Extract<Optimisation, { ok: true }>, wanted: (strategy: Strategy) => boolean) {
  const present = (plan: Plan) => (wanted(plan.strategy) ? formatPlan(plan) : formatPlanSummary(plan));
  return {
    avalanche: present(outcome.avalanche),
    snowball: present(outcome.snowball),
    minimum_only: outcome.minimumOnly && present(outcome.minimumOnly),
    recommended: outcome.recommended,
    interest_saved: formatCents(outcome.interestSaved),
  };
}
