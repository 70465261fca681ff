/**
 * Loan servicing of API.md (Micro-Loans, Servicing) as pure functions over a loan's books: due dates,
 * interest per period, installments, late fees, delinquency and the allocation of repayments. The
 * loans service reads the books from D1, applies one of these steps and writes the result back under
 * a version check; tests drive the same steps directly. No I/O, no platform, no floating point.
 */
import type { Cents } from "./money";
import { roundHalfUpDiv } from "./money";
import type { BasisPoints } from "./rates";

const DAY_MS = 86_400_000;
/** A monthly rate is bp / 120000 (bp / 100 percent, / 12 months, / 100). */
const MONTHLY_RATE_DENOMINATOR = 120_000n;
/** `days_past_due` at which a loan is DEFAULTED and autopay stops. */
export const DEFAULT_AFTER_DAYS = 90;

export type Delinquency = "CURRENT" | "LATE" | "DEFAULTED";
export type InstallmentStatus = "UPCOMING" | "DUE" | "PAID" | "LATE";

export type LoanTerms = {
  principal: Cents;
  rateBp: BasisPoints;
  termMonths: number;
  minimumPayment: Cents;
  /** ISO timestamp of the disbursement; due dates count from it. */
  disbursedAt: string;
};

export type Installment = {
  /**
   * 1-based. Past the term, while anything is still owed (a loan that fell behind, or the cents the
   * rounded minimum payment leaves), each month falls due like the others: its interest, then
   * min(minimum_payment, remaining_balance); late fees and delinquency go on as before.
   */
  k: number;
  dueDate: string;
  principalBefore: Cents;
  interest: Cents;
  amountDue: Cents;
  paid: Cents;
  lateFee: Cents;
};

export type LoanBooks = {
  principal: Cents;
  interestDue: Cents;
  feesDue: Cents;
  totalInterest: Cents;
  totalFees: Cents;
  /** The last installment whose due date has been processed (0 before the first). */
  charged: number;
  installments: Installment[];
};

export type ServicingRules = { graceDays: number; lateFee: Cents };

export const remainingOf = (b: Pick<LoanBooks, "principal" | "interestDue" | "feesDue">): Cents => b.principal + b.interestDue + b.feesDue;

export const openBooks = (principal: Cents): LoanBooks => ({
  principal,
  interestDue: 0,
  feesDue: 0,
  totalInterest: 0,
  totalFees: 0,
  charged: 0,
  installments: [],
});

/**
 * Installment k's due date (YYYY-MM-DD): the disbursement date plus k months, the same day of the
 * month or the month's last day where it has fewer.
 */
export function dueDate(disbursedAt: string, k: number): string {
  const start = new Date(disbursedAt);
  if (Number.isNaN(start.getTime())) throw new RangeError(`not a timestamp: ${disbursedAt}`);
  const monthIndex = start.getUTCFullYear() * 12 + start.getUTCMonth() + k;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  return `${String(year).padStart(4, "0")}-${String(month + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A due date falls due at the start of its UTC day. */
export const dueMoment = (date: string): number => Date.parse(`${date}T00:00:00.000Z`);
export const graceEnd = (date: string, graceDays: number): number => dueMoment(date) + graceDays * DAY_MS;
export const defaultMoment = (date: string): number => dueMoment(date) + DEFAULT_AFTER_DAYS * DAY_MS;

/** round_half_up(principal × rate / 1200), the rate in basis points. */
export function periodInterest(principal: Cents, rateBp: BasisPoints): Cents {
  return Number(roundHalfUpDiv(BigInt(principal) * BigInt(rateBp), MONTHLY_RATE_DENOMINATOR));
}

/**
 * API.md: the installment due is min(minimum_payment, remaining_balance), the term's last one
 * included (with the rounded minimum payment it usually is the remaining balance by then; a loan
 * that still owes more goes on falling due month by month, see Installment).
 */
export function installmentAmount(terms: Pick<LoanTerms, "minimumPayment">, remaining: Cents): Cents {
  return Math.min(terms.minimumPayment, remaining);
}

/** Step 1 and 2 of a due date: interest charged, then the installment due. */
export function chargeDueDate(books: LoanBooks, terms: LoanTerms): { books: LoanBooks; installment: Installment } {
  const k = books.charged + 1;
  const interest = periodInterest(books.principal, terms.rateBp);
  const charged = { ...books, interestDue: books.interestDue + interest, totalInterest: books.totalInterest + interest, charged: k };
  const installment: Installment = {
    k,
    dueDate: dueDate(terms.disbursedAt, k),
    principalBefore: books.principal,
    interest,
    amountDue: installmentAmount(terms, remainingOf(charged)),
    paid: 0,
    lateFee: 0,
  };
  return { books: { ...charged, installments: [...books.installments, installment] }, installment };
}

export const isUnpaid = (i: Installment) => i.paid < i.amountDue;

/** Step 3: the late fee of installment k, once; the caller has checked its grace period is over. */
export function chargeLateFee(books: LoanBooks, k: number, rules: ServicingRules): LoanBooks {
  const target = books.installments.find((i) => i.k === k);
  if (!target || target.lateFee > 0 || !isUnpaid(target) || rules.lateFee <= 0) return books;
  return {
    ...books,
    feesDue: books.feesDue + rules.lateFee,
    totalFees: books.totalFees + rules.lateFee,
    installments: books.installments.map((i) => (i.k === k ? { ...i, lateFee: rules.lateFee } : i)),
  };
}

export type Allocation = { fees: Cents; interest: Cents; principal: Cents };

/** Fees first, then interest, then principal. The caller keeps `amount` within the remaining balance. */
export function allocate(amount: Cents, books: Pick<LoanBooks, "principal" | "interestDue" | "feesDue">): Allocation {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError("a repayment is positive cents");
  if (amount > remainingOf(books)) throw new RangeError("a repayment cannot exceed the remaining balance");
  const fees = Math.min(amount, books.feesDue);
  const interest = Math.min(amount - fees, books.interestDue);
  return { fees, interest, principal: amount - fees - interest };
}

/**
 * A successful repayment: allocated fees → interest → principal, and credited to the installments
 * already due, oldest first. What exceeds them is a prepayment: it lowers the principal (so the next
 * periods charge less interest) without settling an installment that is not yet due.
 */
export function applyRepayment(books: LoanBooks, amount: Cents): { books: LoanBooks; allocation: Allocation } {
  const allocation = allocate(amount, books);
  let left = amount;
  const installments = books.installments.map((i) => {
    const take = Math.min(left, Math.max(0, i.amountDue - i.paid));
    left -= take;
    return take > 0 ? { ...i, paid: i.paid + take } : i;
  });
  return {
    books: {
      ...books,
      feesDue: books.feesDue - allocation.fees,
      interestDue: books.interestDue - allocation.interest,
      principal: books.principal - allocation.principal,
      installments,
    },
    allocation,
  };
}

const DAY_OF = (ms: number) => Math.floor(ms / DAY_MS);

/** Whole days since the oldest installment still unpaid fell due (0 when none is). */
export function daysPastDue(books: LoanBooks, now: number): number {
  if (remainingOf(books) === 0) return 0;
  const oldest = books.installments.find(isUnpaid);
  if (!oldest) return 0;
  return Math.max(0, DAY_OF(now) - DAY_OF(dueMoment(oldest.dueDate)));
}

export function delinquencyOf(books: LoanBooks, now: number, rules: ServicingRules): Delinquency {
  if (remainingOf(books) === 0) return "CURRENT";
  if (daysPastDue(books, now) >= DEFAULT_AFTER_DAYS) return "DEFAULTED";
  const late = books.installments.some((i) => isUnpaid(i) && (i.lateFee > 0 || graceEnd(i.dueDate, rules.graceDays) <= now));
  return late ? "LATE" : "CURRENT";
}

export type ServicingStep = { kind: "due"; at: number } | { kind: "late-fee"; k: number; at: number } | { kind: "delinquency"; at: number };

/**
 * The next thing that falls due for these books, in time order: a due date, a grace period's end (a
 * late fee), or the day the loan defaults. Null for a loan that owes nothing.
 */
export function nextStep(books: LoanBooks, terms: LoanTerms, rules: ServicingRules, current: Delinquency): ServicingStep | null {
  if (remainingOf(books) === 0) return null;
  const steps: ServicingStep[] = [{ kind: "due", at: dueMoment(dueDate(terms.disbursedAt, books.charged + 1)) }];
  for (const i of books.installments) {
    if (isUnpaid(i) && i.lateFee === 0 && rules.lateFee > 0)
      steps.push({ kind: "late-fee", k: i.k, at: graceEnd(i.dueDate, rules.graceDays) });
  }
  const oldest = books.installments.find(isUnpaid);
  if (oldest && current !== "DEFAULTED") steps.push({ kind: "delinquency", at: defaultMoment(oldest.dueDate) });
  // Ties: a due date's interest before a fee of the same moment, as API.md lists the steps.
  steps.sort((a, b) => a.at - b.at || (a.kind === "due" ? -1 : b.kind === "due" ? 1 : 0));
  return steps[0] ?? null;
}

/** A bound on the projection, far past any real one (a term is at most 60 months). */
const MAX_PROJECTED_MONTHS = 1200;

export type ScheduleLine = {
  month: number;
  dueDate: string | null;
  payment: Cents;
  interest: Cents;
  principal: Cents;
  balanceAfter: Cents;
  status: InstallmentStatus;
  paid: Cents;
};

/**
 * The live schedule: the installments charged so far as they were charged (status from what was
 * paid and the grace period; all PAID once the loan owes nothing), then the months still to come
 * projected from today's principal at the minimum payment, until it is repaid: the rest of the term,
 * and past it as long as the principal lasts (servicing charges those months too). A loan that owes
 * nothing has no projected rows.
 */
export function liveSchedule(
  books: LoanBooks,
  terms: LoanTerms | (Omit<LoanTerms, "disbursedAt"> & { disbursedAt: null }),
  now: number,
  rules: ServicingRules,
  firstMonth = 1,
): ScheduleLine[] {
  // Installments charged while earlier ones were unpaid can together ask for more than the loan owes:
  // once it owes nothing, every one of them is settled.
  const cleared = remainingOf(books) === 0;
  const lines: ScheduleLine[] = books.installments.map((i) => {
    const principalPart = Math.max(0, Math.min(i.principalBefore, i.amountDue - i.interest));
    const status: InstallmentStatus =
      cleared || !isUnpaid(i) ? "PAID" : i.lateFee > 0 || graceEnd(i.dueDate, rules.graceDays) <= now ? "LATE" : "DUE";
    return {
      month: i.k,
      dueDate: i.dueDate,
      payment: i.amountDue,
      interest: i.interest,
      principal: principalPart,
      balanceAfter: i.principalBefore - principalPart,
      status,
      paid: i.paid,
    };
  });
  let principal = books.principal;
  const last = Math.max(books.charged, firstMonth - 1) + MAX_PROJECTED_MONTHS;
  for (let k = Math.max(books.charged, firstMonth - 1) + 1; principal > 0 && k <= last; k++) {
    const interest = periodInterest(principal, terms.rateBp);
    const payment = installmentAmount(terms, principal + interest);
    const principalPart = payment - interest;
    // The minimum payment always exceeds a month's interest on the principal it was priced for (and
    // the principal only shrinks), so this never happens; the guard keeps a bad row from looping.
    if (principalPart <= 0) break;
    principal -= principalPart;
    lines.push({
      month: k,
      dueDate: terms.disbursedAt === null ? null : dueDate(terms.disbursedAt, k),
      payment,
      interest,
      principal: principalPart,
      balanceAfter: principal,
      status: "UPCOMING",
      paid: 0,
    });
  }
  return lines;
}

/** What clears the loan now: everything owed, with no interest for periods not yet begun. */
export const payoffOf = (books: Pick<LoanBooks, "principal" | "interestDue" | "feesDue">) => ({
  payoff: remainingOf(books),
  principal: books.principal,
  interestDue: books.interestDue,
  feesDue: books.feesDue,
});

/** How many due dates of a loan disbursed at `disbursedAt` have passed by `now`. */
export function dueDatesPassed(disbursedAt: string, now: number): number {
  let k = 0;
  while (k < 1200 && dueMoment(dueDate(disbursedAt, k + 1)) <= now) k++;
  return k;
}
