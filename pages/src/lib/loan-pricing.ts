/**
 * The client-side loan quote (API.md, Micro-Loans): the rate by term and the amortised minimum
 * payment P·r / (1 − (1+r)^−n), r = rate/1200, rounded half up to the cent. Computed exactly with
 * BigInt rationals so the quote matches the server's to the cent; no floating point.
 */
import type { Cents } from "./money";

export const LOAN_MIN_CENTS: Cents = 5_000;
export const LOAN_MAX_CENTS: Cents = 5_000_000;
export const LOAN_MIN_TERM = 1;
export const LOAN_MAX_TERM = 60;

/** Annual interest rate in basis points (800 = 8.00%) for a term in months. */
export function interestRateBasisPoints(termMonths: number): number {
  if (termMonths <= 12) return 800;
  if (termMonths <= 24) return 1200;
  return 1500;
}

/** 800 → "8.00" (the API's `interest_rate` format). */
export function formatRate(basisPoints: number): string {
  return `${Math.trunc(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, "0")}`;
}

/** Monthly rate r = bp / 120000 as the exact fraction (numerator, denominator). */
const MONTHLY_RATE_DENOMINATOR = 120_000n;

function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/**
 * Minimum monthly payment in cents. With r = a/b:
 * P·r·(1+r)^n / ((1+r)^n − 1) = P·a·(b+a)^n / (b·((b+a)^n − b^n)).
 */
export function minimumPaymentCents(principal: Cents, termMonths: number, basisPoints = interestRateBasisPoints(termMonths)): Cents {
  if (!Number.isSafeInteger(principal) || principal <= 0) throw new RangeError("principal must be positive cents");
  if (!Number.isInteger(termMonths) || termMonths < 1) throw new RangeError("term must be a positive integer");
  const p = BigInt(principal);
  const n = BigInt(termMonths);
  if (basisPoints === 0) return Number(roundHalfUpDiv(p, n));
  const a = BigInt(basisPoints);
  const b = MONTHLY_RATE_DENOMINATOR;
  const growth = (b + a) ** n;
  const base = b ** n;
  return Number(roundHalfUpDiv(p * a * growth, b * (growth - base)));
}

export type ScheduleRow = {
  month: number;
  payment: Cents;
  interest: Cents;
  principal: Cents;
  balanceAfter: Cents;
};

/**
 * An estimated schedule: each month accrues round_half_up(balance·r) interest and pays the minimum
 * payment; the last month pays whatever is left. The loan's own schedule (GET /v1/loan/{id}/schedule)
 * is the authority once the loan exists.
 */
export function amortisationSchedule(principal: Cents, termMonths: number): ScheduleRow[] {
  const basisPoints = interestRateBasisPoints(termMonths);
  const payment = BigInt(minimumPaymentCents(principal, termMonths, basisPoints));
  const a = BigInt(basisPoints);
  const rows: ScheduleRow[] = [];
  let balance = BigInt(principal);
  for (let month = 1; balance > 0n && month <= termMonths; month++) {
    const interest = roundHalfUpDiv(balance * a, MONTHLY_RATE_DENOMINATOR);
    const owed = balance + interest;
    const paid = month >= termMonths || owed <= payment ? owed : payment;
    const principalPaid = paid - interest;
    balance -= principalPaid;
    rows.push({
      month,
      payment: Number(paid),
      interest: Number(interest),
      principal: Number(principalPaid),
      balanceAfter: Number(balance),
    });
  }
  return rows;
}

export type LoanQuote = {
  rateBasisPoints: number;
  minimumPayment: Cents;
  totalInterest: Cents;
  totalRepaid: Cents;
  schedule: ScheduleRow[];
};

export function quoteLoan(principal: Cents, termMonths: number): LoanQuote {
  const schedule = amortisationSchedule(principal, termMonths);
  const totalInterest = schedule.reduce((sum, row) => sum + row.interest, 0);
  return {
    rateBasisPoints: interestRateBasisPoints(termMonths),
    minimumPayment: minimumPaymentCents(principal, termMonths),
    totalInterest,
    totalRepaid: principal + totalInterest,
    schedule,
  };
}
