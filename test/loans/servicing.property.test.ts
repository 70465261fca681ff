import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interestRateBp, minimumPaymentCents } from "../../workers/domain/loan-pricing";
import {
  applyRepayment,
  chargeDueDate,
  chargeLateFee,
  delinquencyOf,
  type LoanBooks,
  nextStep,
  openBooks,
  periodInterest,
  remainingOf,
} from "../../workers/domain/loan-servicing";

const DAY = 86_400_000;
const rules = { graceDays: 5, lateFee: 1000 };

const op = fc.oneof(
  fc.record({ kind: fc.constant("advance" as const), days: fc.integer({ min: 1, max: 70 }) }),
  fc.record({ kind: fc.constant("repay" as const), share: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constant("autopay" as const), on: fc.boolean() }),
);

describe("servicing: any clock moves and repayments", () => {
  it("keep principal non-negative, allocate fees → interest → principal, charge interest only on the principal, request one autopay per installment, and are PAID exactly at zero", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5000, max: 5_000_000 }),
        fc.integer({ min: 1, max: 24 }),
        fc.array(op, { maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        (principal, termMonths, ops, funded) => {
          const rateBp = interestRateBp(termMonths);
          const terms = {
            principal,
            rateBp,
            termMonths,
            minimumPayment: minimumPaymentCents(principal, rateBp, termMonths),
            disbursedAt: "2026-01-31T09:30:00.000Z",
          };
          let books: LoanBooks = openBooks(principal);
          let now = Date.parse(terms.disbursedAt);
          let autopay = true;
          let paidTotal = 0;
          const autopayRequested = new Set<number>();
          let fundedIndex = 0;

          const repay = (amount: number) => {
            const before = books;
            const { books: after, allocation } = applyRepayment(books, amount);
            expect(allocation.fees + allocation.interest + allocation.principal).toBe(amount);
            if (allocation.interest > 0 || allocation.principal > 0) expect(allocation.fees).toBe(before.feesDue);
            if (allocation.principal > 0) expect(allocation.interest).toBe(before.interestDue);
            expect(after.principal).toBe(before.principal - allocation.principal);
            paidTotal += amount;
            books = after;
          };

          const service = () => {
            for (let guard = 0; guard < 500; guard++) {
              const step = nextStep(books, terms, rules, delinquencyOf(books, now, rules));
              if (!step || step.at > now) return;
              if (step.kind === "due") {
                const principalBefore = books.principal;
                const { books: after, installment } = chargeDueDate(books, terms);
                expect(installment.interest).toBe(periodInterest(principalBefore, rateBp));
                expect(installment.amountDue).toBeLessThanOrEqual(remainingOf(after));
                books = after;
                if (autopay && delinquencyOf(books, step.at, rules) !== "DEFAULTED") {
                  expect(autopayRequested.has(installment.k)).toBe(false);
                  autopayRequested.add(installment.k);
                  if (funded[fundedIndex++ % funded.length]) repay(installment.amountDue);
                }
              } else if (step.kind === "late-fee") {
                const fees = books.totalFees;
                books = chargeLateFee(books, step.k, rules);
                expect(books.totalFees).toBe(fees + rules.lateFee);
              } else {
                return; // a delinquency change moves no money; the service records it and moves on
              }
            }
          };

          for (const o of ops) {
            if (remainingOf(books) === 0) break;
            if (o.kind === "advance") {
              now += o.days * DAY;
              service();
            } else if (o.kind === "autopay") autopay = o.on;
            else {
              const remaining = remainingOf(books);
              if (remaining > 0) repay(Math.max(1, Math.floor((remaining * o.share) / 1000)));
            }
            expect(books.principal).toBeGreaterThanOrEqual(0);
            expect(books.interestDue).toBeGreaterThanOrEqual(0);
            expect(books.feesDue).toBeGreaterThanOrEqual(0);
            expect(books.principal).toBeLessThanOrEqual(principal);
            // Conservation of the loan's own books: what was lent and charged is what was paid plus what is owed.
            expect(principal + books.totalInterest + books.totalFees).toBe(paidTotal + remainingOf(books));
            for (const i of books.installments) expect(i.paid).toBeLessThanOrEqual(i.amountDue);
            if (remainingOf(books) === 0) expect(nextStep(books, terms, rules, "CURRENT")).toBeNull();
            else expect(nextStep(books, terms, rules, "CURRENT")).not.toBeNull();
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
