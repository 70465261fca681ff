import { describe, expect, it } from "vitest";
import {
  applyRepayment,
  chargeDueDate,
  chargeLateFee,
  daysPastDue,
  delinquencyOf,
  dueDate,
  graceEnd,
  installmentAmount,
  type LoanBooks,
  liveSchedule,
  nextStep,
  openBooks,
  payoffOf,
  remainingOf,
} from "../../workers/domain/loan-servicing";

// API.md's example: 1000.00 at 8.00% over 12 months, minimum payment 86.99 (hand-checked:
// each interest is round_half_up(principal × 8 / 1200) of the principal left after the last payment).
const terms = { principal: 100_000, rateBp: 800, termMonths: 12, minimumPayment: 8699, disbursedAt: "2026-01-31T10:00:00.000Z" };
const rules = { graceDays: 5, lateFee: 1000 };
const at = (date: string) => Date.parse(`${date}T12:00:00.000Z`);

describe("loan servicing maths", () => {
  it("due dates keep the day of the month, or the month's last day", () => {
    expect([1, 2, 3, 12, 13].map((k) => dueDate(terms.disbursedAt, k))).toEqual([
      "2026-02-28",
      "2026-03-31",
      "2026-04-30",
      "2027-01-31",
      "2027-02-28",
    ]);
    expect(dueDate("2027-12-29T00:00:00.000Z", 2)).toBe("2028-02-29");
    expect(dueDate("2026-11-15T23:59:59.000Z", 1)).toBe("2026-12-15");
  });

  it("1000.00 / 12 months / 8.00%, paid by autopay month by month, to zero", () => {
    // [interest charged, installment, principal after it is paid], hand-checked.
    const expected: [number, number, number][] = [
      [667, 8699, 91_968],
      [613, 8699, 83_882],
      [559, 8699, 75_742],
      [505, 8699, 67_548],
      [450, 8699, 59_299],
      [395, 8699, 50_995],
      [340, 8699, 42_636],
      [284, 8699, 34_221],
      [228, 8699, 25_750],
      [172, 8699, 17_223],
      [115, 8699, 8639],
      [58, 8697, 0],
    ];
    let books: LoanBooks = openBooks(100_000);
    expected.forEach(([interest, due, principalAfter], index) => {
      const charged = chargeDueDate(books, terms);
      expect(charged.installment).toMatchObject({ k: index + 1, interest, amountDue: due });
      const paid = applyRepayment(charged.books, due);
      expect(paid.allocation).toEqual({ fees: 0, interest, principal: due - interest });
      books = paid.books;
      expect(books.principal).toBe(principalAfter);
      expect(books.interestDue).toBe(0);
    });
    expect(remainingOf(books)).toBe(0);
    expect(books.totalInterest).toBe(4386); // the quote's 1043.86 in total
    expect(nextStep(books, terms, rules, "CURRENT")).toBeNull();
    const schedule = liveSchedule(books, terms, at("2027-02-01"), rules);
    expect(schedule).toHaveLength(12);
    expect(schedule.every((row) => row.status === "PAID" && row.paid === row.payment)).toBe(true);
    expect(schedule[0]).toEqual({
      month: 1,
      dueDate: "2026-02-28",
      payment: 8699,
      interest: 667,
      principal: 8032,
      balanceAfter: 91_968,
      status: "PAID",
      paid: 8699,
    });
  });

  it("a missed installment: DUE, then after the grace period a 10.00 late fee and LATE; paid back to CURRENT", () => {
    const { books: due } = chargeDueDate(openBooks(100_000), terms);
    expect(delinquencyOf(due, at("2026-03-04"), rules)).toBe("CURRENT");
    expect(liveSchedule(due, terms, at("2026-03-04"), rules)[0]?.status).toBe("DUE");
    const step = nextStep(due, terms, rules, "CURRENT");
    expect(step).toEqual({ kind: "late-fee", k: 1, at: graceEnd("2026-02-28", 5) });
    expect(new Date(step?.at ?? 0).toISOString()).toBe("2026-03-05T00:00:00.000Z");
    const late = chargeLateFee(due, 1, rules);
    expect(chargeLateFee(late, 1, rules)).toEqual(late); // once
    expect(late).toMatchObject({ feesDue: 1000, totalFees: 1000, interestDue: 667, principal: 100_000 });
    expect(remainingOf(late)).toBe(101_667);
    expect(delinquencyOf(late, at("2026-03-05"), rules)).toBe("LATE");
    expect(daysPastDue(late, at("2026-03-05"))).toBe(5);
    expect(liveSchedule(late, terms, at("2026-03-05"), rules)[0]?.status).toBe("LATE");
    // The installment (86.99) paid late: 10.00 fee, 6.67 interest, 70.32 principal.
    const paid = applyRepayment(late, 8699);
    expect(paid.allocation).toEqual({ fees: 1000, interest: 667, principal: 7032 });
    expect(paid.books.principal).toBe(92_968);
    expect(delinquencyOf(paid.books, at("2026-03-06"), rules)).toBe("CURRENT");
    // The next period charges interest on the principal left: 929.68 × 8 / 1200 = 6.1979 → 6.20.
    expect(chargeDueDate(paid.books, terms).installment.interest).toBe(620);
  });

  it("90 days past due is DEFAULTED", () => {
    const { books } = chargeDueDate(openBooks(100_000), terms);
    const late = chargeLateFee(books, 1, rules);
    expect(daysPastDue(late, Date.parse("2026-05-29T00:00:00.000Z"))).toBe(90);
    expect(delinquencyOf(late, Date.parse("2026-05-28T23:00:00.000Z"), rules)).toBe("LATE");
    expect(delinquencyOf(late, Date.parse("2026-05-29T00:00:00.000Z"), rules)).toBe("DEFAULTED");
    expect(nextStep(late, terms, rules, "LATE")).toMatchObject({ kind: "due", at: Date.parse("2026-03-31T00:00:00.000Z") });
  });

  it("early payoff after the first installment: the payoff is principal + interest due, no interest for periods not begun", () => {
    const first = chargeDueDate(openBooks(100_000), terms);
    const afterFirst = applyRepayment(first.books, 8699).books;
    expect(payoffOf(afterFirst)).toEqual({ payoff: 91_968, principal: 91_968, interestDue: 0, feesDue: 0 });
    const cleared = applyRepayment(afterFirst, 91_968).books;
    expect(remainingOf(cleared)).toBe(0);
    expect(cleared.totalInterest).toBe(667); // 6.67 instead of 43.86
    // Paying off the day after the second due date: its interest (6.13) is owed too.
    const second = chargeDueDate(afterFirst, terms).books;
    expect(payoffOf(second)).toEqual({ payoff: 92_581, principal: 91_968, interestDue: 613, feesDue: 0 });
    expect(() => applyRepayment(second, 92_582)).toThrow(RangeError);
  });

  it("a repayment between due dates lowers the principal, and the next period's interest with it", () => {
    const first = applyRepayment(chargeDueDate(openBooks(100_000), terms).books, 8699).books;
    const extra = applyRepayment(first, 20_000);
    expect(extra.allocation).toEqual({ fees: 0, interest: 0, principal: 20_000 });
    // A prepayment settles no installment that is not yet due.
    expect(extra.books.installments.map((i) => i.paid)).toEqual([8699]);
    const next = chargeDueDate(extra.books, terms);
    expect(next.installment.interest).toBe(480); // 719.68 × 8 / 1200 = 4.7979 → 4.80 (instead of 6.13)
    expect(next.installment.amountDue).toBe(8699);
    // The projection shortens: the rest of the term at 86.99 clears 719.68 in fewer months.
    const schedule = liveSchedule(next.books, terms, at("2026-04-01"), rules);
    expect(schedule.at(-1)?.balanceAfter).toBe(0);
    expect(schedule.length).toBeLessThan(12);
  });

  it("the installment due is min(minimum_payment, remaining_balance), the term's last one included (API.md)", () => {
    expect(installmentAmount(terms, 100_000)).toBe(8699);
    expect(installmentAmount(terms, 8697)).toBe(8697);
    // The twelfth installment of a loan that still owes 200.00 plus its interest asks for 86.99, not all of it.
    const behind: LoanBooks = { ...openBooks(20_000), charged: 11 };
    const twelfth = chargeDueDate(behind, terms);
    expect(twelfth.installment).toMatchObject({ k: 12, interest: 133, amountDue: 8699 });
    expect(remainingOf(twelfth.books)).toBe(20_133);
  });

  it("a loan behind at the end of its term goes on falling due month by month: interest, the installment, late fees, DEFAULTED; paid off, all PAID", () => {
    let books: LoanBooks = openBooks(100_000);
    // Nine installments paid by autopay, then nothing more is paid.
    for (let k = 1; k <= 9; k++) books = applyRepayment(chargeDueDate(books, terms).books, 8699).books;
    expect(books.principal).toBe(25_750);
    /** Every servicing step due by `now`, as the service applies them. */
    const serviceTo = (now: number) => {
      for (let step = nextStep(books, terms, rules, delinquencyOf(books, now, rules)); step && step.at <= now; ) {
        if (step.kind === "due") books = chargeDueDate(books, terms).books;
        else if (step.kind === "late-fee") books = chargeLateFee(books, step.k, rules);
        else if (delinquencyOf(books, now, rules) === "DEFAULTED") break;
        step = nextStep(books, terms, rules, delinquencyOf(books, step.at, rules));
      }
    };
    serviceTo(at("2027-02-10")); // past the twelfth due date (2027-01-31) and the grace of the first after it
    expect(books.installments.map((i) => [i.k, i.dueDate, i.amountDue, i.lateFee])).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => [k, dueDate(terms.disbursedAt, k), 8699, 0]),
      [10, "2026-11-30", 8699, 1000],
      [11, "2026-12-31", 8699, 1000],
      [12, "2027-01-31", 8699, 1000],
    ]);
    // 257.50 of principal, 3 periods of interest on it, three late fees: more than one installment is still owed.
    expect(books).toMatchObject({ principal: 25_750, interestDue: 172 * 3, feesDue: 3000 });
    expect(delinquencyOf(books, at("2027-02-10"), rules)).toBe("LATE");
    // The thirteenth month falls due like the others, on the same day of the month.
    expect(nextStep(books, terms, rules, "LATE")).toEqual({ kind: "due", at: Date.parse("2027-02-28T00:00:00.000Z") });
    serviceTo(at("2027-03-01"));
    expect(books.installments.at(-1)).toMatchObject({ k: 13, dueDate: "2027-02-28", interest: 172, amountDue: 8699 });
    // The schedule: the thirteen charged, LATE where unpaid past grace, then the projection to zero.
    const schedule = liveSchedule(books, terms, at("2027-03-01"), rules);
    expect(schedule.slice(9, 13).map((r) => [r.month, r.status])).toEqual([
      [10, "LATE"],
      [11, "LATE"],
      [12, "LATE"],
      [13, "DUE"],
    ]);
    expect(schedule.slice(13).every((r) => r.status === "UPCOMING")).toBe(true);
    expect(schedule.at(-1)?.balanceAfter).toBe(0);
    // 90 days after installment 10 fell due: DEFAULTED (autopay stops; the remainder stays payable).
    expect(delinquencyOf(books, Date.parse("2027-02-28T00:00:00.000Z"), rules)).toBe("DEFAULTED");
    // Paid off in one repayment: fees, interest, principal; every installment settled.
    const owed = remainingOf(books);
    const paid = applyRepayment(books, owed);
    expect(paid.allocation).toEqual({ fees: books.feesDue, interest: books.interestDue, principal: books.principal });
    expect(remainingOf(paid.books)).toBe(0);
    expect(nextStep(paid.books, terms, rules, "DEFAULTED")).toBeNull();
    expect(delinquencyOf(paid.books, at("2027-03-02"), rules)).toBe("CURRENT");
    expect(liveSchedule(paid.books, terms, at("2027-03-02"), rules).every((r) => r.status === "PAID")).toBe(true);
  });
});
