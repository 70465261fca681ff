/**
 * Saga 7, loan servicing: when the clock reaches a loan's due date its interest is charged, the
 * installment falls due and (with autopay) a repayment is requested through the repayment saga;
 * after the grace period an unpaid installment is charged its late fee. The maths is
 * workers/domain/loan-servicing.ts; this file reads a loan's books from D1 and writes each step back.
 *
 * Every step is one D1 batch guarded by the loan's `version`, so a step computed from a stale read
 * changes nothing and is recomputed, and a step that committed is never applied again: a run that
 * crashes half-way, a duplicate run and a concurrent cron all end in the same books. An installment
 * is a row keyed by (loan, installment), its autopay repayment id is derived from the same pair, and
 * its late fee is charged only while the row has none. The customer's business event for a step
 * (loan.installment_due, loan.late_fee_charged) is an outbox row of the step's batch (LOAN_SERVICED),
 * so it is recorded once even when the run dies right after the commit.
 */
import {
  applyRepayment,
  chargeDueDate,
  chargeLateFee,
  delinquencyOf,
  dueDate as dueDateOf,
  dueDatesPassed,
  dueMoment,
  type LoanBooks,
  type LoanTerms,
  nextStep,
  remainingOf,
  type ServicingRules,
  type ServicingStep,
} from "../domain/loan-servicing";
import { formatCents, parseCents } from "../domain/money";
import { clockNow } from "../lib/clock";
import type { DueWork, DueWorkResult } from "../lib/due-work";
import { makeEvent } from "../lib/events";
import { newId, nowIso, resourceIdFor } from "../lib/ids";
import { flushOutbox, outboxInsertIfChanged } from "../lib/outbox";

type LoanRecord = {
  loan_id: string;
  wallet_id: string;
  user_id: string;
  amount_cents: number;
  interest_rate_bp: number;
  loan_term_months: number;
  minimum_payment_cents: number;
  remaining_balance_cents: number;
  pending_repayment_cents: number;
  status: "PENDING" | "APPROVED" | "REJECTED" | "PAID";
  disbursed_at: string | null;
  outstanding_principal_cents: number;
  interest_due_cents: number;
  fees_due_cents: number;
  total_interest_charged_cents: number;
  total_fees_charged_cents: number;
  installments_charged: number;
  first_installment: number | null;
  autopay: number;
  delinquency: "CURRENT" | "LATE" | "DEFAULTED";
  next_service_at: string | null;
  version: number;
};

type InstallmentRecord = {
  installment: number;
  due_date: string;
  principal_before_cents: number;
  interest_cents: number;
  amount_due_cents: number;
  paid_cents: number;
  late_fee_cents: number;
};

/** Test seam: throwing here simulates a crash between two servicing steps (awaited: a test may read the step's commit). */
export const servicingFaults: { afterStep?: (loanId: string, step: ServicingStep) => void | Promise<void> } = {};

/** LOAN_GRACE_DAYS (default 5) and LOAN_LATE_FEE (default 10.00) from the environment. */
export function servicingRules(env: Env): ServicingRules {
  const grace = Number(env.LOAN_GRACE_DAYS ?? "5");
  let lateFee = 1000;
  try {
    lateFee = parseCents(env.LOAN_LATE_FEE ?? "10.00");
  } catch {
    // A malformed fee falls back to the documented default rather than charge a guess.
  }
  return { graceDays: Number.isInteger(grace) && grace >= 0 ? grace : 5, lateFee };
}

export const booksOf = (loan: LoanRecord, installments: readonly InstallmentRecord[]): LoanBooks => ({
  principal: loan.outstanding_principal_cents,
  interestDue: loan.interest_due_cents,
  feesDue: loan.fees_due_cents,
  totalInterest: loan.total_interest_charged_cents,
  totalFees: loan.total_fees_charged_cents,
  charged: loan.installments_charged,
  installments: installments.map((i) => ({
    k: i.installment,
    dueDate: i.due_date,
    principalBefore: i.principal_before_cents,
    interest: i.interest_cents,
    amountDue: i.amount_due_cents,
    paid: i.paid_cents,
    lateFee: i.late_fee_cents,
  })),
});

export const termsOf = (loan: LoanRecord, disbursedAt: string): LoanTerms => ({
  principal: loan.amount_cents,
  rateBp: loan.interest_rate_bp,
  termMonths: loan.loan_term_months,
  minimumPayment: loan.minimum_payment_cents,
  disbursedAt,
});

export async function readLoanBooks(db: D1Database, loanId: string) {
  const [loan, installments] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT * FROM loans WHERE loan_id = ?").bind(loanId),
    db.prepare("SELECT * FROM loan_installments WHERE loan_id = ? ORDER BY installment").bind(loanId),
  ]);
  const record = loan?.results[0] as LoanRecord | undefined;
  if (!record) return undefined;
  const rows = (installments?.results ?? []) as InstallmentRecord[];
  return { loan: record, installments: rows, books: booksOf(record, rows) };
}

const iso = (ms: number) => new Date(ms).toISOString();
const nextAt = (books: LoanBooks, terms: LoanTerms, rules: ServicingRules, delinquency: LoanRecord["delinquency"]) => {
  const step = nextStep(books, terms, rules, delinquency);
  return step ? iso(step.at) : null;
};

type StepOutcome = "applied" | "stale" | "idle" | "waiting";

/** Applies the loan's next servicing step if it is due by `now`. */
async function serviceStep(env: Env, loanId: string, now: Date, rules: ServicingRules): Promise<StepOutcome> {
  const db = env.DB;
  const read = await readLoanBooks(db, loanId);
  if (!read) return "idle";
  const { loan, books } = read;
  if (loan.status !== "APPROVED" || loan.disbursed_at === null) return "idle";
  const terms = termsOf(loan, loan.disbursed_at);
  // `now` (the clock) decides what is due; the rows' own created_at/updated_at are wall time, like
  // every D1 row, because the saga sweep and reconciliation age them by wall time.
  const stamp = nowIso();

  // A loan disbursed before servicing existed: serviced from its next due date on.
  if (loan.first_installment === null) {
    const passed = dueDatesPassed(loan.disbursed_at, now.getTime());
    const adopted = { ...books, charged: passed };
    const result = await db
      .prepare(
        `UPDATE loans SET first_installment = ?1, installments_charged = ?2, next_service_at = ?3, version = version + 1, updated_at = ?4
         WHERE loan_id = ?5 AND version = ?6`,
      )
      .bind(passed + 1, passed, nextAt(adopted, terms, rules, loan.delinquency), stamp, loanId, loan.version)
      .run();
    return result.meta.changes === 1 ? "applied" : "stale";
  }

  const step = nextStep(books, terms, rules, loan.delinquency);
  if (!step || step.at > now.getTime()) {
    const at = step ? iso(step.at) : null;
    if (at !== loan.next_service_at) {
      await db.prepare("UPDATE loans SET next_service_at = ? WHERE loan_id = ? AND version = ?").bind(at, loanId, loan.version).run();
    }
    return "idle";
  }
  // An autopay debit still on its way: the next step waits for its outcome, so the next period's
  // interest is charged on the principal it lowered (in real time a month lies between them).
  const pendingAutopay = await db
    .prepare("SELECT 1 AS x FROM repayments WHERE loan_id = ? AND source = 'AUTOPAY' AND status = 'PENDING' LIMIT 1")
    .bind(loanId)
    .first();
  if (pendingAutopay) return "waiting";

  const stepTime = step.at;
  const guard = "WHERE loan_id = ? AND version = ? AND status = 'APPROVED'";
  let statements: D1PreparedStatement[];
  const outboxIds: string[] = [];
  /** The step's business event, recorded by the loans service from the outbox (loans.events.ts). */
  const notice = (kind: "INSTALLMENT_DUE" | "LATE_FEE", installment: number) => {
    const id = `loan-serviced:${loanId}:${kind}:${installment}`;
    outboxIds.push(id);
    const event = makeEvent(
      "LOAN_SERVICED",
      { loan_id: loanId, wallet_id: loan.wallet_id, step: kind, installment },
      { correlationId: loanId, requestId: newId() },
    );
    return outboxInsertIfChanged(db, id, event);
  };
  if (step.kind === "due") {
    const { books: after, installment } = chargeDueDate(books, terms);
    const delinquency = delinquencyOf(after, stepTime, rules);
    const remaining = remainingOf(after);
    const autopayAmount =
      loan.autopay === 1 && delinquency !== "DEFAULTED"
        ? Math.max(0, Math.min(installment.amountDue, remaining - loan.pending_repayment_cents))
        : 0;
    statements = [
      db
        .prepare(
          `UPDATE loans SET installments_charged = ?, interest_due_cents = ?, total_interest_charged_cents = ?, remaining_balance_cents = ?,
             pending_repayment_cents = pending_repayment_cents + ?, delinquency = ?, next_service_at = ?, version = version + 1, updated_at = ?
           ${guard}`,
        )
        .bind(
          after.charged,
          after.interestDue,
          after.totalInterest,
          remaining,
          autopayAmount,
          delinquency,
          nextAt(after, terms, rules, delinquency),
          stamp,
          loanId,
          loan.version,
        ),
      db
        .prepare(
          `INSERT INTO loan_installments (loan_id, installment, due_date, principal_before_cents, interest_cents, amount_due_cents, created_at)
           SELECT ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1`,
        )
        .bind(loanId, installment.k, installment.dueDate, installment.principalBefore, installment.interest, installment.amountDue, stamp),
    ];
    if (autopayAmount > 0) {
      const repaymentId = autopayRepaymentId(loanId, installment.k);
      const event = makeEvent(
        "LOAN_REPAYMENT_REQUESTED",
        { repayment_id: repaymentId, loan_id: loanId, wallet_id: loan.wallet_id, amount: formatCents(autopayAmount) },
        { correlationId: repaymentId, requestId: newId() },
      );
      const outboxId = `repayment-requested:${repaymentId}`;
      outboxIds.push(outboxId);
      statements.push(
        db
          .prepare(
            `INSERT INTO repayments (repayment_id, loan_id, wallet_id, user_id, amount_cents, status, created_at, updated_at, source, installment)
             SELECT ?, ?, ?, ?, ?, 'PENDING', ?, ?, 'AUTOPAY', ? WHERE changes() = 1`,
          )
          .bind(repaymentId, loanId, loan.wallet_id, loan.user_id, autopayAmount, stamp, stamp, installment.k),
        outboxInsertIfChanged(db, outboxId, event),
      );
    }
    statements.push(notice("INSTALLMENT_DUE", installment.k));
  } else if (step.kind === "late-fee") {
    const after = chargeLateFee(books, step.k, rules);
    const delinquency = delinquencyOf(after, stepTime, rules);
    statements = [
      db
        .prepare(
          `UPDATE loans SET fees_due_cents = ?, total_fees_charged_cents = ?, remaining_balance_cents = ?, delinquency = ?, next_service_at = ?,
             version = version + 1, updated_at = ? ${guard}`,
        )
        .bind(
          after.feesDue,
          after.totalFees,
          remainingOf(after),
          delinquency,
          nextAt(after, terms, rules, delinquency),
          stamp,
          loanId,
          loan.version,
        ),
      db
        .prepare(
          "UPDATE loan_installments SET late_fee_cents = ? WHERE loan_id = ? AND installment = ? AND late_fee_cents = 0 AND changes() = 1",
        )
        .bind(rules.lateFee, loanId, step.k),
      notice("LATE_FEE", step.k),
    ];
  } else {
    const delinquency = delinquencyOf(books, stepTime, rules);
    statements = [
      db
        .prepare(`UPDATE loans SET delinquency = ?, next_service_at = ?, version = version + 1, updated_at = ? ${guard}`)
        .bind(delinquency, nextAt(books, terms, rules, delinquency), stamp, loanId, loan.version),
    ];
  }
  const [first] = await db.batch(statements);
  if (first?.meta.changes !== 1) return "stale";
  await servicingFaults.afterStep?.(loanId, step);
  // Unsent here (a crash), the outbox sweep sends them: the autopay request and the customer's event.
  await flushOutbox(env, outboxIds);
  return "applied";
}

/** The autopay repayment of installment k: one id per (loan, installment), so it is requested once. */
export const autopayRepaymentId = (loanId: string, k: number) => resourceIdFor("autopay", loanId, String(k));

/** Every step of one loan due by `now`, in time order. */
export async function serviceLoan(env: Env, loanId: string, now: Date, rules = servicingRules(env)): Promise<DueWorkResult> {
  const result: DueWorkResult = { done: 0, waiting: 0 };
  for (let attempt = 0; attempt < 2000; attempt++) {
    const outcome = await serviceStep(env, loanId, now, rules);
    if (outcome === "applied") result.done++;
    else if (outcome === "waiting") {
      result.waiting++;
      return result;
    } else if (outcome === "idle") return result;
  }
  return result;
}

const DUE_LOANS_PER_RUN = 200;

/** Due work: every disbursed loan whose next step is due by `now`. */
export const loanServicing: DueWork = {
  name: "loans.servicing",
  run: async (env, now) => {
    const rules = servicingRules(env);
    const due = await env.DB.prepare(
      `SELECT loan_id FROM loans WHERE status = 'APPROVED' AND next_service_at IS NOT NULL AND next_service_at <= ?
       ORDER BY next_service_at LIMIT ?`,
    )
      .bind(now.toISOString(), DUE_LOANS_PER_RUN)
      .all<{ loan_id: string }>();
    const total: DueWorkResult = { done: 0, waiting: 0 };
    for (const { loan_id } of due.results) {
      const result = await serviceLoan(env, loan_id, now, rules);
      total.done += result.done;
      total.waiting += result.waiting;
    }
    return total;
  },
};

/**
 * A successful repayment applied to the books (fees, interest, principal; installments oldest
 * first), the repayment marked SUCCESSFUL, in one batch guarded by the loan's version and the
 * repayment still being PENDING: a duplicate outcome changes nothing, a stale read is recomputed.
 */
export async function applySuccessfulRepayment(env: Env, repaymentId: string): Promise<void> {
  const db = env.DB;
  for (let attempt = 0; attempt < 20; attempt++) {
    const repayment = await db
      .prepare("SELECT loan_id, amount_cents, status FROM repayments WHERE repayment_id = ?")
      .bind(repaymentId)
      .first<{ loan_id: string; amount_cents: number; status: string }>();
    if (repayment?.status !== "PENDING") return;
    const read = await readLoanBooks(db, repayment.loan_id);
    if (!read) return;
    const { loan, books } = read;
    const now = await clockNow(env);
    const rules = servicingRules(env);
    const { books: after, allocation } = applyRepayment(books, repayment.amount_cents);
    const remaining = remainingOf(after);
    const paid = remaining === 0 && loan.status === "APPROVED";
    const delinquency = delinquencyOf(after, now.getTime(), rules);
    const next =
      paid || loan.disbursed_at === null || loan.first_installment === null
        ? paid
          ? null
          : loan.next_service_at
        : nextAt(after, termsOf(loan, loan.disbursed_at), rules, delinquency);
    const stamp = nowIso();
    const statements = [
      db
        .prepare(
          `UPDATE loans SET outstanding_principal_cents = ?, interest_due_cents = ?, fees_due_cents = ?, remaining_balance_cents = ?,
             pending_repayment_cents = pending_repayment_cents - ?, status = ?, delinquency = ?, next_service_at = ?, version = version + 1,
             updated_at = ?
           WHERE loan_id = ? AND version = ? AND EXISTS (SELECT 1 FROM repayments WHERE repayment_id = ? AND status = 'PENDING')`,
        )
        .bind(
          after.principal,
          after.interestDue,
          after.feesDue,
          remaining,
          repayment.amount_cents,
          paid ? "PAID" : loan.status,
          delinquency,
          next,
          stamp,
          loan.loan_id,
          loan.version,
          repaymentId,
        ),
      db
        .prepare(
          `UPDATE repayments SET status = 'SUCCESSFUL', fees_paid_cents = ?, interest_paid_cents = ?, principal_paid_cents = ?, updated_at = ?
           WHERE repayment_id = ? AND status = 'PENDING' AND changes() = 1`,
        )
        .bind(allocation.fees, allocation.interest, allocation.principal, stamp, repaymentId),
    ];
    for (const installment of after.installments) {
      const before = books.installments.find((i) => i.k === installment.k);
      if (before && before.paid !== installment.paid) {
        statements.push(
          db
            .prepare("UPDATE loan_installments SET paid_cents = ? WHERE loan_id = ? AND installment = ? AND changes() = 1")
            .bind(installment.paid, loan.loan_id, installment.k),
        );
      }
    }
    const [first] = await db.batch(statements);
    if (first?.meta.changes === 1) return;
  }
  throw new Error(`repayment ${repaymentId}: the loan kept changing while it was applied`);
}

/** What the next due date asks for, as the loan stands: installment k's amount with its interest. */
export function upcomingDue(loan: LoanRecord, books: LoanBooks, now: number) {
  if (loan.status !== "APPROVED" || loan.disbursed_at === null) return null;
  const charged = loan.first_installment === null ? dueDatesPassed(loan.disbursed_at, now) : books.charged;
  const terms = termsOf(loan, loan.disbursed_at);
  const next = chargeDueDate({ ...books, charged }, terms).installment;
  return { dueDate: dueDateOf(loan.disbursed_at, charged + 1), amount: next.amountDue, at: dueMoment(next.dueDate) };
}

export type { InstallmentRecord, LoanRecord };
