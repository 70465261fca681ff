/** Loan pricing of API.md, in exact integer arithmetic (cents, basis points). */
import { roundHalfUpDiv } from "../lib/money";

/** Annual rate in basis points: 8.00% up to 12 months, 12.00% up to 24, 15.00% above. */
export function interestRateBp(termMonths: number): number {
  if (termMonths <= 12) return 800;
  if (termMonths <= 24) return 1200;
  return 1500;
}

/** P·r / (1 − (1+r)^−n) with r = rate/1200, rounded half up to the cent, computed as one exact fraction. */
export function minimumPaymentCents(principalCents: number, rateBp: number, termMonths: number): number {
  if (rateBp === 0) return Number(roundHalfUpDiv(BigInt(principalCents), BigInt(termMonths)));
  // r = bp / 120000, so (1+r)^n = a^n / b^n with a = 120000 + bp, b = 120000, and
  // payment = P · bp · a^n / (b · (a^n − b^n)).
  const a = 120_000n + BigInt(rateBp);
  const b = 120_000n;
  const an = a ** BigInt(termMonths);
  const bn = b ** BigInt(termMonths);
  return Number(roundHalfUpDiv(BigInt(principalCents) * BigInt(rateBp) * an, b * (an - bn)));
}

export type ScheduleRow = { month: number; payment: number; interest: number; principal: number; balanceAfter: number };

/** The amortisation schedule: interest rounded half up each month; the last month clears the balance. */
export function amortisationSchedule(principalCents: number, rateBp: number, termMonths: number, paymentCents: number): ScheduleRow[] {
  const rows: ScheduleRow[] = [];
  let balance = principalCents;
  for (let month = 1; balance > 0 && month <= termMonths; month++) {
    const interest = Number(roundHalfUpDiv(BigInt(balance) * BigInt(rateBp), 120_000n));
    let principal = paymentCents - interest;
    if (month === termMonths || principal >= balance) principal = balance;
    balance -= principal;
    rows.push({ month, payment: principal + interest, interest, principal, balanceAfter: balance });
  }
  return rows;
}
