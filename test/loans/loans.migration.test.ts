import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DUE_WORK } from "../../workers/due-work";
import { clockNow } from "../../workers/lib/clock";
import { runDueWorkUntilDone } from "../../workers/lib/due-work";
import { api, createWallet, signup } from "../helpers/api";

const LEGACY_LOAN = `INSERT INTO loans (loan_id, wallet_id, user_id, amount_cents, interest_rate_bp, loan_term_months, minimum_payment_cents,
  remaining_balance_cents, pending_repayment_cents, status, purpose, rejection_reason, disbursed_at, disbursement_error, created_at, updated_at)
  VALUES (?, ?, ?, 100000, 800, 12, 8699, ?, 0, ?, 'old loan', ?, ?, NULL, ?, ?)`;

/**
 * Migration 0007 (loan servicing) on loans the previous schema wrote: replayed on a fresh SQLite
 * store (D1 is SQLite too), the migrations before it first.
 */
describe("migration 0007 (loan servicing)", () => {
  it("is additive and gives stored loans their servicing fields: principal owed, a rejected loan owing nothing", async () => {
    const migrations = env.TEST_MIGRATIONS;
    const index = migrations.findIndex((m) => m.name.startsWith("0007_"));
    expect(index).toBeGreaterThan(0);
    const mine = migrations[index]!;
    expect(mine.queries.join("\n")).not.toMatch(/__new_|DROP TABLE/i);
    const store = env.LOGIN_LIMITER.get(env.LOGIN_LIMITER.idFromName(`loan-migration-${crypto.randomUUID()}`));
    await runInDurableObject(store, (_instance, state) => {
      const sql = state.storage.sql;
      for (const migration of migrations.slice(0, index)) for (const query of migration.queries) sql.exec(query);
      const t = "2026-06-01T00:00:00.000Z";
      sql.exec(LEGACY_LOAN, "approved", "w", "u", 70_000, "APPROVED", null, t, t, t);
      sql.exec(LEGACY_LOAN, "rejected", "w", "u", 100_000, "REJECTED", "too risky", null, t, t);
      sql.exec(LEGACY_LOAN, "pending", "w", "u", 100_000, "PENDING", null, null, t, t);
      sql.exec(
        "INSERT INTO repayments (repayment_id, loan_id, wallet_id, user_id, amount_cents, status, created_at, updated_at) VALUES ('r1', 'approved', 'w', 'u', 30000, 'SUCCESSFUL', ?, ?)",
        t,
        t,
      );
      for (const query of mine.queries) sql.exec(query);
      expect(sql.exec("SELECT * FROM loans WHERE loan_id = 'approved'").one()).toMatchObject({
        remaining_balance_cents: 70_000,
        outstanding_principal_cents: 70_000,
        interest_due_cents: 0,
        fees_due_cents: 0,
        autopay: 1,
        delinquency: "CURRENT",
        first_installment: null,
        purpose: "old loan",
      });
      expect(sql.exec("SELECT next_service_at FROM loans WHERE loan_id = 'approved'").one().next_service_at).toMatch(/^\d{4}-/);
      expect(sql.exec("SELECT * FROM loans WHERE loan_id = 'rejected'").one()).toMatchObject({
        remaining_balance_cents: 0,
        outstanding_principal_cents: 0,
        rejection_reason: "too risky",
      });
      expect(sql.exec("SELECT * FROM loans WHERE loan_id = 'pending'").one()).toMatchObject({ outstanding_principal_cents: 100_000 });
      expect(sql.exec("SELECT * FROM repayments WHERE repayment_id = 'r1'").one()).toMatchObject({
        source: "MANUAL",
        principal_paid_cents: 30_000,
      });
    });
  });

  it("an APPROVED loan with repayments, stored before servicing, is serviced from its next due date, with no interest for the months before", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 50_000);
    const loanId = crypto.randomUUID();
    const now = await clockNow(env);
    const disbursedAt = new Date(now.getTime() - 70 * 86_400_000).toISOString();
    await env.DB.prepare(LEGACY_LOAN)
      .bind(loanId, walletId, user.user_id, 70_000, "APPROVED", null, disbursedAt, disbursedAt, disbursedAt)
      .run();
    // What migration 0007 leaves on it.
    await env.DB.prepare("UPDATE loans SET outstanding_principal_cents = remaining_balance_cents, next_service_at = ? WHERE loan_id = ?")
      .bind(now.toISOString(), loanId)
      .run();
    const before = (await api(`/loan/${loanId}`, { token: user.token })).body.loan;
    expect(before).toMatchObject({
      remaining_balance: "700.00",
      outstanding_principal: "700.00",
      interest_due: "0.00",
      delinquency: "CURRENT",
      days_past_due: 0,
    });
    expect(Date.parse(before.next_due_date)).toBeGreaterThan(now.getTime() - 86_400_000);

    await runDueWorkUntilDone(env, now, DUE_WORK);
    const adopted = (await api(`/loan/${loanId}`, { token: user.token })).body.loan;
    expect(adopted).toMatchObject({ total_interest_charged: "0.00", total_fees_charged: "0.00", next_due_date: before.next_due_date });
    const schedule = (await api(`/loan/${loanId}/schedule`, { token: user.token })).body.schedule;
    expect(schedule[0]).toMatchObject({ status: "UPCOMING", due_date: before.next_due_date, interest: "4.67" }); // 700.00 × 8 / 1200
    expect(schedule.at(-1).month).toBeLessThanOrEqual(12);
  });
});
