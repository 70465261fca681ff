/**
 * Loan pricing of API.md (Micro-Loans) in exact integer arithmetic: the rate by term, the amortised
 * minimum payment and the schedule. The API prices loans with it and the UI quotes with it, so a
 * quote matches the loan to the cent.
 */
import type { Cents } from "./money";
import { roundHalfUpDiv } from "./money";
import type { BasisPoints } from "./rates";

/** A monthly rate is bp / 120000 (bp / 100 percent, / 12 months, / 100). */
const MONTHLY_RATE_DENOMINATOR = 120_000n;

/** Annual rate: 8.00% up to 12 months, 12.00% up to 24, 15.00% above. */
export function interestRateBp(termMonths: number): BasisPoints {
  if (termMonths <= 12) return 800;
  if (termMonths <= 24) return 1200;
  return 1500;
}

/**
 * P·r / (1 − (1+r)^−n), rounded half up to the cent, computed as one exact fraction: with r = a/b,
 * (1+r)^n = (b+a)^n / b^n, so the payment is P·a·(b+a)^n / (b·((b+a)^n − b^n)).
 */
export function minimumPaymentCents(principal: Cents, rateBp: BasisPoints, termMonths: number): Cents {
  if (!Number.isSafeInteger(principal) || principal <= 0) throw new RangeError("principal must be positive cents");
  if (!Number.isInteger(termMonths) || termMonths < 1) throw new RangeError("term must be a positive integer");
  const p = BigInt(principal);
  const n = BigInt(termMonths);
  if (rateBp === 0) return Number(roundHalfUpDiv(p, n));
  const a = BigInt(rateBp);
  const b = MONTHLY_RATE_DENOMINATOR;
  const growth = (b + a) ** n;
  return Number(roundHalfUpDiv(p * a * growth, b * (growth - b ** n)));
}

export type ScheduleRow = { month: number; payment: Cents; interest: Cents; principal: Cents; balanceAfter: Cents };

/** The amortisation schedule: interest rounded half up each month; the last month clears the balance. */
export function amortisationSchedule(principal: Cents, rateBp: BasisPoints, termMonths: number, payment: Cents): ScheduleRow[] {
  const rows: ScheduleRow[] = [];
  let balance = principal;
  for (let month = 1; balance > 0 && month <= termMonths; month++) {
    const interest = Number(roundHalfUpDiv(BigInt(balance) * BigInt(rateBp), MONTHLY_RATE_DENOMINATOR));
    let paid = payment - interest;
    if (month === termMonths || paid >= balance) paid = balance;
    balance -= paid;
    rows.push({ month, payment: paid + interest, interest, principal: paid, balanceAfter: balance });
  }
  return rows;
}

export type LoanQuote = {
  rateBp: BasisPoints;
  minimumPayment: Cents;
  totalInterest: Cents;
  totalRepaid: Cents;
  schedule: ScheduleRow[];
};

/** What a loan of `principal` over `termMonths` costs, as the API will price it. */
export function quoteLoan(principal: Cents, termMonths: number): LoanQuote {
  const rateBp = interestRateBp(termMonths);
  const minimumPayment = minimumPaymentCents(principal, rateBp, termMonths);
  const schedule = amortisationSchedule(principal, rateBp, termMonths, minimumPayment);
  const totalInterest = schedule.reduce((sum, row) => sum + row.interest, 0);
  return { rateBp, minimumPayment, totalInterest, totalRepaid: principal + totalInterest, schedule };
}
