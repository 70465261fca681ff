/**
 * Loan servicing end to end, as a property: random clock moves and manual repayments on a real
 * approved loan, through the HTTP API, the clock's advance, the real queues and the real ledger.
 * After every step, read back through the API and from D1, the books hold: no negative principal, a
 * stored remaining balance that is principal + interest due + fees due, every successful repayment
 * allocated fees → interest → principal against the books it was applied to, and exactly one
 * AUTOPAY repayment per installment (none for one that fell due while the loan was DEFAULTED).
 * (servicing.property.test.ts holds the same rules on the pure maths alone.)
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { parseCents } from "../../workers/domain/money";
import { consumerFaults } from "../../workers/events";
import { servicingFaults } from "../../workers/loans/loans.servicing";
import { api, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";
import { applyFor } from "./loans-factories";

type LoanRow = {
  amount_cents: number;
  outstanding_principal_cents: number;
  interest_due_cents: number;
  fees_due_cents: number;
  remaining_balance_cents: number;
  total_interest_charged_cents: number;
  total_fees_charged_cents: number;
  installments_charged: number;
  delinquency: string;
  status: string;
};
type RepaymentRow = {
  repayment_id: string;
  amount_cents: number;
  status: string;
  source: string;
  installment: number | null;
  fees_paid_cents: number;
  interest_paid_cents: number;
  principal_paid_cents: number;
};

const loanRow = async (loanId: string) => (await env.DB.prepare("SELECT * FROM loans WHERE loan_id = ?").bind(loanId).first<LoanRow>())!;
const repaymentRows = async (loanId: string) =>
  (await env.DB.prepare("SELECT * FROM repayments WHERE loan_id = ?").bind(loanId).all<RepaymentRow>()).results;

afterEach(() => {
  consumerFaults.inject = undefined;
  servicingFaults.afterStep = undefined;
});

// Clock moves are weighted up, so most runs reach due dates, late fees and some a default.
const step = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("advance" as const), days: fc.integer({ min: 1, max: 40 }) }), weight: 3 },
  // A repayment of a share (per mille) of what may still be repaid, or of a small sum (at most that).
  { arbitrary: fc.record({ kind: fc.constant("repay" as const), share: fc.integer({ min: 1, max: 1000 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("repay" as const), cents: fc.integer({ min: 1, max: 5000 }) }), weight: 1 },
);

describe("servicing a real loan: any clock moves and manual repayments", () => {
  it("keep the books whole after every step: principal ≥ 0, remaining = principal + interest + fees, fees → interest → principal, one autopay per installment", async () => {
    const admin = await signupAdmin();
    let user: TestUser | undefined;
    let wallets = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 5_000, max: 300_000 }),
        fc.integer({ min: 1, max: 6 }),
        // What the wallet holds besides the loan, and whether the loan itself is spent (so autopay can fail).
        fc.integer({ min: 0, max: 20_000 }),
        fc.boolean(),
        fc.array(step, { minLength: 3, maxLength: 8 }),
        async (principal, termMonths, own, spent, steps) => {
          // Up to 10 wallets per user.
          if (!user || wallets === 10) [user, wallets] = [await signup(), 0];
          const borrower = user;
          wallets++;
          const walletId = await createWallet(borrower, own);
          const amount = (principal / 100).toFixed(2);
          const loanId = (await applyFor(borrower, walletId, amount, termMonths)).loan_id;

          // The books each successful repayment was applied to, read just before the loans service applies it.
          const before = new Map<string, LoanRow>();
          consumerFaults.inject = async (point, subscriber, event) => {
            if (point !== "before" || subscriber !== "loans.repayment-outcome" || event.type !== "LOAN_REPAYMENT_SUCCESSFUL") return;
            const { repayment_id, loan_id } = (event as unknown as { payload: { repayment_id: string; loan_id: string } }).payload;
            if (loan_id !== loanId) return;
            const row = await env.DB.prepare("SELECT status FROM repayments WHERE repayment_id = ?")
              .bind(repayment_id)
              .first<{ status: string }>();
            if (row?.status === "PENDING") before.set(repayment_id, await loanRow(loanId));
          };
          // Whether autopay was due for each installment: not for one that fell due while the loan was DEFAULTED.
          const autopayDue = new Map<number, boolean>();
          servicingFaults.afterStep = async (id, s) => {
            if (id !== loanId || s.kind !== "due") return;
            // Read right after the step's commit, before its outbox (the autopay request) is sent.
            const row = await loanRow(loanId);
            autopayDue.set(row.installments_charged, row.delinquency !== "DEFAULTED");
          };

          expect((await api(`/loan/${loanId}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
          await expect
            .poll(async () => (await loanRow(loanId)).status === "APPROVED" && (await isDisbursed(loanId)), { timeout: 5000 })
            .toBe(true);
          if (spent) {
            const out = await api(`/wallet/${walletId}/debit`, { token: borrower.token, body: { amount } });
            expect(out.status).toBe(200);
          }

          for (const s of steps) {
            if (s.kind === "advance") {
              const res = await api("/admin/clock/advance", { token: admin.token, body: { days: s.days } });
              expect([200, 202]).toContain(res.status);
            } else {
              const payoff = (await api(`/loan/${loanId}/payoff`, { token: borrower.token })).body;
              const allowed = parseCents(payoff.payoff_amount);
              if (allowed > 0) {
                const cents = "share" in s ? Math.max(1, Math.floor((allowed * s.share) / 1000)) : Math.min(allowed, s.cents);
                const res = await api(`/loan/${loanId}/repay`, { token: borrower.token, body: { amount: (cents / 100).toFixed(2) } });
                expect(res.status).toBe(202);
              }
            }
            // The sagas finish (autopay and manual repayments) before the books are read.
            await expect
              .poll(async () => (await repaymentRows(loanId)).every((r) => r.status !== "PENDING"), { timeout: 10_000, interval: 10 })
              .toBe(true);
            await checkBooks(borrower, loanId, before, autopayDue);
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);
});

const isDisbursed = async (loanId: string) =>
  (await env.DB.prepare("SELECT disbursed_at FROM loans WHERE loan_id = ?").bind(loanId).first<{ disbursed_at: string | null }>())
    ?.disbursed_at != null;

async function checkBooks(user: TestUser, loanId: string, before: Map<string, LoanRow>, autopayDue: Map<number, boolean>) {
  const row = await loanRow(loanId);
  const loan = (await api(`/loan/${loanId}`, { token: user.token })).body.loan;
  const money = (field: string) => parseCents(loan[field]);

  // Principal never negative, never above what was lent.
  expect(row.outstanding_principal_cents).toBeGreaterThanOrEqual(0);
  expect(row.outstanding_principal_cents).toBeLessThanOrEqual(row.amount_cents);
  expect(row.interest_due_cents).toBeGreaterThanOrEqual(0);
  expect(row.fees_due_cents).toBeGreaterThanOrEqual(0);
  // The stored remaining balance is what its parts add up to, in D1 and through the API.
  expect(row.remaining_balance_cents).toBe(row.outstanding_principal_cents + row.interest_due_cents + row.fees_due_cents);
  expect(money("remaining_balance")).toBe(row.remaining_balance_cents);
  expect(money("outstanding_principal") + money("interest_due") + money("fees_due")).toBe(money("remaining_balance"));
  expect(loan.status).toBe(row.remaining_balance_cents === 0 ? "PAID" : "APPROVED");

  const repayments = await repaymentRows(loanId);
  const successful = repayments.filter((r) => r.status === "SUCCESSFUL");
  // Each successful repayment: fees first, then interest, then principal, against the books it met.
  for (const r of successful) {
    const books = before.get(r.repayment_id);
    expect(books, `books before ${r.repayment_id}`).toBeDefined();
    if (!books) continue;
    // Written out here, not taken from the domain module the service itself uses.
    const fees = Math.min(r.amount_cents, books.fees_due_cents);
    const interest = Math.min(r.amount_cents - fees, books.interest_due_cents);
    const principal = r.amount_cents - fees - interest;
    expect(principal).toBeLessThanOrEqual(books.outstanding_principal_cents);
    expect({ fees: r.fees_paid_cents, interest: r.interest_paid_cents, principal: r.principal_paid_cents }).toEqual({
      fees,
      interest,
      principal,
    });
  }
  // What was lent and charged is what was repaid plus what is owed, to the cent.
  const repaid = successful.reduce((sum, r) => sum + r.amount_cents, 0);
  expect(row.amount_cents + row.total_interest_charged_cents + row.total_fees_charged_cents).toBe(repaid + row.remaining_balance_cents);

  // Exactly one AUTOPAY repayment per installment, keyed by its number (none while DEFAULTED).
  const autopay = repayments.filter((r) => r.source === "AUTOPAY");
  const perInstallment = new Map<number, number>();
  for (const r of autopay) {
    expect(r.installment).not.toBeNull();
    perInstallment.set(r.installment!, (perInstallment.get(r.installment!) ?? 0) + 1);
  }
  for (let k = 1; k <= row.installments_charged; k++) {
    expect(autopayDue.has(k), `installment ${k} was charged by a due step`).toBe(true);
    expect(perInstallment.get(k) ?? 0, `autopay repayments of installment ${k}`).toBe(autopayDue.get(k) ? 1 : 0);
  }
  expect([...perInstallment.keys()].every((k) => k >= 1 && k <= row.installments_charged)).toBe(true);
}
