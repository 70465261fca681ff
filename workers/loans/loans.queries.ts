import { and, desc, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { DEFAULT_AFTER_DAYS, type Delinquency } from "../domain/loan-servicing";
import type { AuthUser } from "../lib/app";
import { auditStatementIfChanged } from "../lib/audit-log";
import type { Db } from "../lib/db";
import type { AppEvent } from "../lib/events";
import { type OutboxRow, outboxInsertIfChanged, unsentOutbox } from "../lib/outbox";
import { keysetAfter, nextCursor } from "../lib/pagination";
import { assertWalletOwner } from "../lib/queries";
import { loans, repayments } from "../lib/schema";

export type LoanRow = typeof loans.$inferSelect;
/** A loan with what its installments say: the oldest unpaid due date and the sum still unpaid. */
export type LoanView = LoanRow & {
  oldestUnpaidDue: string | null;
  unpaidDueCents: number;
  applicantName: string | null;
  applicantEmail: string | null;
};
export type RepaymentRow = typeof repayments.$inferSelect;
/** Who reads: a customer sees their own loans, an admin every loan. */
export type Viewer = Pick<AuthUser, "user_id" | "role">;
type Outbox = { outboxId: string; event: AppEvent };

const oldestUnpaidDue = sql<
  string | null
>`(SELECT MIN(i.due_date) FROM loan_installments i WHERE i.loan_id = "loans"."loan_id" AND i.paid_cents < i.amount_due_cents)`;

const loanView = {
  ...getTableColumns(loans),
  oldestUnpaidDue,
  applicantName: sql<string | null>`(SELECT u.name FROM users u WHERE u.user_id = "loans"."user_id")`,
  applicantEmail: sql<string | null>`(SELECT u.email FROM users u WHERE u.user_id = "loans"."user_id")`,
  unpaidDueCents: sql<number>`(SELECT COALESCE(SUM(i.amount_due_cents - i.paid_cents), 0) FROM loan_installments i WHERE i.loan_id = "loans"."loan_id")`,
};

const visibleTo = (viewer: Viewer) => (viewer.role === "admin" ? undefined : eq(loans.userId, viewer.user_id));

const DAY_MS = 86_400_000;

/**
 * The loan's delinquency as the API presents it at `now` (loans.presenters.ts), in SQL: CURRENT
 * unless APPROVED; DEFAULTED once the oldest unpaid installment is 90 days past due, even before the
 * servicing step that stores it has run; otherwise the stored value.
 */
function delinquencyIs(delinquency: Delinquency, now: Date): SQL {
  const cutoff = new Date(now.getTime() - DEFAULT_AFTER_DAYS * DAY_MS).toISOString().slice(0, 10);
  return sql`(CASE WHEN ${loans.status} <> 'APPROVED' THEN 'CURRENT'
    WHEN ${loans.delinquency} = 'DEFAULTED' OR ${oldestUnpaidDue} <= ${cutoff} THEN 'DEFAULTED'
    ELSE ${loans.delinquency} END) = ${delinquency}`;
}

export function findVisibleLoan(db: Db, viewer: Viewer, loanId: string): Promise<LoanView | undefined> {
  return db
    .select(loanView)
    .from(loans)
    .where(and(eq(loans.loanId, loanId), visibleTo(viewer)))
    .get();
}

/** A loan by id, whoever owns it (the sagas' read: the caller is the system, not a user). */
export function findLoan(db: Db, loanId: string): Promise<LoanView | undefined> {
  return db.select(loanView).from(loans).where(eq(loans.loanId, loanId)).get();
}

/** Inserts a PENDING loan unless its id exists (an Idempotency-Key retry), and returns what is stored. */
export async function createLoan(db: Db, row: typeof loans.$inferInsert): Promise<LoanView> {
  await db.insert(loans).values(row).onConflictDoNothing();
  const stored = await db.select(loanView).from(loans).where(eq(loans.loanId, row.loanId)).get();
  if (!stored) throw new Error(`loan ${row.loanId} was not stored`);
  return stored;
}

/** One page of the loans `viewer` may see, newest first; `delinquency` is as presented at `now` (the clock). */
export async function listLoans(
  db: Db,
  viewer: Viewer,
  {
    status,
    delinquency,
    limit,
    cursor,
  }: { status?: LoanRow["status"] | undefined; delinquency?: Delinquency | undefined; limit: number; cursor?: string | undefined },
  now: Date = new Date(),
) {
  const rows = await db
    .select(loanView)
    .from(loans)
    .where(
      and(
        visibleTo(viewer),
        status ? eq(loans.status, status) : undefined,
        delinquency ? delinquencyIs(delinquency, now) : undefined,
        keysetAfter(cursor, loans.createdAt, loans.loanId),
      ),
    )
    .orderBy(desc(loans.createdAt), desc(loans.loanId))
    .limit(limit + 1);
  return { loans: rows.slice(0, limit), nextCursor: nextCursor(rows, limit, (r) => ({ t: r.createdAt, i: r.loanId })) };
}

/** Throws 404 unless the wallet is the user's. */
export async function listWalletLoans(db: Db, userId: string, walletId: string): Promise<LoanView[]> {
  await assertWalletOwner(db, userId, walletId);
  return db.select(loanView).from(loans).where(eq(loans.walletId, walletId)).orderBy(desc(loans.createdAt)).limit(500);
}

/**
 * PENDING → APPROVED with its LOAN_APPROVED outbox row and its audit entry. The status guard, the
 * event and the entry commit together: only the request that moved the loan queues the event and
 * is logged. False when the loan was not PENDING.
 */
export async function approvePendingLoan(
  db: Db,
  loanId: string,
  adminUserId: string,
  now: string,
  { outboxId, event }: Outbox,
): Promise<boolean> {
  const [update] = await db.$client.batch([
    db.$client
      .prepare("UPDATE loans SET status = 'APPROVED', version = version + 1, updated_at = ? WHERE loan_id = ? AND status = 'PENDING'")
      .bind(now, loanId),
    outboxInsertIfChanged(db.$client, outboxId, event),
    auditStatementIfChanged(db.$client, { adminUserId, action: "loan.approve", target: `loan:${loanId}`, details: {} }),
  ]);
  return update?.meta.changes === 1;
}

/** PENDING → REJECTED with its audit entry; false when the loan was not PENDING. */
export async function rejectPendingLoan(db: Db, loanId: string, adminUserId: string, reason: string | null, now: string): Promise<boolean> {
  const [update] = await db.$client.batch([
    db.$client
      .prepare(`UPDATE loans SET status = 'REJECTED', rejection_reason = ?, remaining_balance_cents = 0, outstanding_principal_cents = 0,
           version = version + 1, updated_at = ? WHERE loan_id = ? AND status = 'PENDING'`)
      .bind(reason, now, loanId),
    auditStatementIfChanged(db.$client, { adminUserId, action: "loan.reject", target: `loan:${loanId}`, details: { reason } }),
  ]);
  return update?.meta.changes === 1;
}

/**
 * Reserves a PENDING repayment against the loan, records it and its LOAN_REPAYMENT_REQUESTED outbox
 * row in one batch. The loan row's CHECK and guard make concurrent repays unable to exceed what is
 * owed. `reserved` is false when nothing was reserved: the repayment exists already, the loan is not
 * APPROVED, or the amount exceeds what is left. `unsent`: its outbox row, read back in the same batch
 * while it is unsent, for the request to send.
 */
export async function reserveRepayment(
  db: Db,
  repayment: RepaymentRow,
  { outboxId, event }: Outbox,
): Promise<{ reserved: boolean; unsent: OutboxRow[] }> {
  const { repaymentId, loanId, walletId, userId, amountCents, createdAt, updatedAt } = repayment;
  const [reserve, , , unsent] = await db.$client.batch<OutboxRow>([
    db.$client
      .prepare(
        `UPDATE loans SET pending_repayment_cents = pending_repayment_cents + ?1, version = version + 1, updated_at = ?2
         WHERE loan_id = ?3 AND status = 'APPROVED' AND remaining_balance_cents - pending_repayment_cents >= ?1
           AND NOT EXISTS (SELECT 1 FROM repayments WHERE repayment_id = ?4)`,
      )
      .bind(amountCents, createdAt, loanId, repaymentId),
    db.$client
      .prepare(
        `INSERT INTO repayments (repayment_id, loan_id, wallet_id, user_id, amount_cents, status, created_at, updated_at)
         SELECT ?, ?, ?, ?, ?, 'PENDING', ?, ? WHERE changes() = 1`,
      )
      .bind(repaymentId, loanId, walletId, userId, amountCents, createdAt, updatedAt),
    outboxInsertIfChanged(db.$client, outboxId, event),
    unsentOutbox(db.$client, [outboxId]),
  ]);
  return { reserved: reserve?.meta.changes === 1, unsent: unsent?.results ?? [] };
}

export function findOwnRepayment(db: Db, userId: string, repaymentId: string): Promise<RepaymentRow | undefined> {
  return db
    .select()
    .from(repayments)
    .where(and(eq(repayments.repaymentId, repaymentId), eq(repayments.userId, userId)))
    .get();
}

/** A loan's repayments, newest first; the caller has checked that the loan is visible to them. */
export function listLoanRepayments(db: Db, loanId: string): Promise<RepaymentRow[]> {
  return db.select().from(repayments).where(eq(repayments.loanId, loanId)).orderBy(desc(repayments.createdAt)).limit(500);
}

/** Autopay on or off for a loan that is still open; false when it is not (or not the borrower's). */
export async function setAutopay(db: Db, userId: string, loanId: string, enabled: boolean, now: string): Promise<boolean> {
  const result = await db.$client
    .prepare(
      `UPDATE loans SET autopay = ?, version = version + 1, updated_at = ?
       WHERE loan_id = ? AND user_id = ? AND status IN ('PENDING', 'APPROVED')`,
    )
    .bind(enabled ? 1 : 0, now, loanId, userId)
    .run();
  return result.meta.changes === 1;
}
