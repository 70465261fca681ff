import { installmentAmount } from "../domain/loan-servicing";
import type { AppRouteHandler } from "../lib/app";
import { createDb } from "../lib/db";
import { AppError } from "../lib/errors";
import { listApprovedLoansForWallet } from "../lib/queries";
import { presentOptimisation } from "./debt-optimiser.presenters";
import type * as routes from "./debt-optimiser.routes";
import { type Debt, optimise, type Strategy, scheduleBytes } from "./simulate";

/** The largest answer with schedules (API.md: a 50-debt answer with schedules is at most 2 MB). */
export const MAX_SCHEDULE_BYTES = 2_000_000;

type ApprovedLoan = {
  loan_id: string;
  purpose: string | null;
  remaining_balance_cents: number;
  interest_rate_bp: number;
  minimum_payment_cents: number;
  loan_term_months: number;
  installments_charged: number;
};

/**
 * A wallet's approved loans as debts: name = purpose, or the loan id when the purpose is empty or
 * shared with another loan (names key the answer's per-month maps, so they must be unique). The
 * figures are live: the balance is what clears the loan now (interest and fees charged included) and
 * the minimum is the loan's next installment, min(minimum_payment, remaining_balance) (API.md).
 */
function debtsFromLoans(loans: readonly ApprovedLoan[]): Debt[] {
  // A loan whose last repayment has landed but whose status has not yet moved to PAID owes nothing.
  const open = loans.filter((loan) => loan.remaining_balance_cents > 0);
  const purposeCount = new Map<string, number>();
  for (const loan of open) {
    const purpose = loan.purpose?.trim();
    if (purpose) purposeCount.set(purpose, (purposeCount.get(purpose) ?? 0) + 1);
  }
  return open.map((loan) => {
    const purpose = loan.purpose?.trim();
    return {
      name: purpose && purposeCount.get(purpose) === 1 ? purpose : loan.loan_id,
      balance: loan.remaining_balance_cents,
      aprBp: loan.interest_rate_bp,
      minimumPayment: installmentAmount({ minimumPayment: loan.minimum_payment_cents }, loan.remaining_balance_cents),
    };
  });
}

export const optimiseDebts: AppRouteHandler<typeof routes.optimiseDebts> = async (c) => {
  const { monthly_budget, debts, wallet_id, include_schedule } = c.req.valid("json");
  const input = debts
    ? debts.map((d) => ({ name: d.name, balance: d.balance, aprBp: d.apr, minimumPayment: d.minimum_payment }))
    : // The request schema lets through exactly one of debts and wallet_id.
      debtsFromLoans(await listApprovedLoansForWallet(createDb(c.env.DB), c.get("user").user_id, wallet_id!));
  const outcome = optimise(input, monthly_budget);
  if (!outcome.ok) throw new AppError(outcome.code, outcome.message);
  const wanted = (strategy: Strategy) => (include_schedule ?? true) === true || include_schedule === strategy;
  const plans = [outcome.avalanche, outcome.snowball, outcome.minimumOnly].filter((plan) => plan !== null);
  // 50 debts over 600 months is megabytes per plan: bounded before anything is built.
  const bytes = plans.filter((plan) => wanted(plan.strategy)).reduce((sum, plan) => sum + scheduleBytes(plan), 0);
  if (bytes > MAX_SCHEDULE_BYTES) {
    throw new AppError("VALIDATION_ERROR", "The schedules would be too large", [
      {
        path: "include_schedule",
        message: `the schedules asked for would be about ${Math.ceil(bytes / 1_000_000)} MB (at most ${MAX_SCHEDULE_BYTES / 1_000_000} MB): ask for one strategy's schedule, or false`,
      },
    ]);
  }
  return c.json(presentOptimisation(outcome, wanted), 200);
};
