import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { DUE_WORK } from "../../workers/due-work";
import { clockNow } from "../../workers/lib/clock";
import { runDueWorkOnce, runDueWorkUntilDone } from "../../workers/lib/due-work";
import { sweepOutbox } from "../../workers/lib/outbox";
import { servicingFaults } from "../../workers/loans/loans.servicing";
import { api, createWallet, expectEnvelope, signup, signupAdmin, type TestUser } from "../helpers/api";
import { BASE } from "../helpers/client";
import { balanceOf } from "../helpers/wallet";
import { applyFor } from "./loans-factories";

type Loan = Record<string, unknown> & { loan_id: string; status: string };

async function approvedLoan(user: TestUser, walletId: string, amount = "1000.00", months = 12): Promise<Loan> {
  const admin = await signupAdmin();
  const loan = await applyFor(user, walletId, amount, months);
  expect((await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
  await expect.poll(async () => (await getLoan(user, loan.loan_id)).disbursed_at, { timeout: 5000 }).not.toBeNull();
  return getLoan(user, loan.loan_id);
}

const getLoan = async (user: TestUser, loanId: string): Promise<Loan> => (await api(`/loan/${loanId}`, { token: user.token })).body.loan;

async function advance(days: number) {
  const admin = await signupAdmin();
  return api("/admin/clock/advance", { token: admin.token, body: { days } });
}

async function loanRepaymentDebits(user: TestUser, walletId: string) {
  const res = await api(`/wallet/${walletId}/transactions?limit=100`, { token: user.token });
  return (res.body.transactions as { type: string; amount: string }[]).filter((t) => t.type === "LOAN_REPAYMENT");
}

/** Waits until no repayment of the loan is PENDING (autopay debits finish through the saga). */
const settled = (user: TestUser, loanId: string) =>
  expect
    .poll(
      async () =>
        ((await api(`/loan/${loanId}/repayments`, { token: user.token })).body.repayments as { status: string }[]).some(
          (r) => r.status === "PENDING",
        ),
      { timeout: 10_000 },
    )
    .toBe(false);

afterEach(() => {
  servicingFaults.afterStep = undefined;
});

describe("the test clock and loan servicing", () => {
  it("GET /admin/clock is admin only and reports the offset; advance moves it and is audit-logged", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    expectEnvelope(await api("/admin/clock", { token: user.token }), 403, "FORBIDDEN");
    expectEnvelope(await api("/admin/clock/advance", { token: user.token, body: { days: 1 } }), 403, "FORBIDDEN");
    const before = (await api("/admin/clock", { token: admin.token })).body;
    for (const days of [0, 401, 1.5, "1"]) {
      expectEnvelope(await api("/admin/clock/advance", { token: admin.token, body: { days } }), 400, "VALIDATION_ERROR");
    }
    const moved = await advance(2);
    expect(moved.status).toBe(200);
    expect(moved.body.settled).toBe(true);
    const after = (await api("/admin/clock", { token: admin.token })).body;
    expect(after.offset_seconds - before.offset_seconds).toBe(2 * 86_400);
    expect(Date.parse(moved.body.now) - Date.now()).toBeGreaterThan(after.offset_seconds * 1000 - 60_000);
    const log = await api("/admin/audit-log?limit=5", { token: admin.token });
    expect(
      log.body.entries.some((e: { action: string; details: { days?: number } }) => e.action === "clock.advance" && e.details.days === 2),
    ).toBe(true);
  });

  it("where TEST_CLOCK is not true the clock routes are 404 and the clock is real time", async () => {
    const admin = await signupAdmin();
    const production = { ...env, TEST_CLOCK: "false" } as Env;
    for (const [path, init] of [
      ["/admin/clock", {}],
      ["/admin/clock/advance", { method: "POST", body: JSON.stringify({ days: 1 }), headers: { "content-type": "application/json" } }],
    ] as const) {
      const ctx = createExecutionContext();
      const headers = { ...("headers" in init ? init.headers : {}), authorization: `Bearer ${admin.token}` };
      const res = await app.fetch(new Request(`${BASE}${path}`, { ...init, headers }), production, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    }
    await advance(3);
    expect(Math.abs((await clockNow(production)).getTime() - Date.now())).toBeLessThan(5000);
    expect((await clockNow(env)).getTime() - Date.now()).toBeGreaterThan(2 * 86_400_000);
  });

  it("advancing 12 months pays a 1000.00 / 12-month loan by autopay: 12 debits, 43.86 interest, PAID, proof 0.00", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000); // 100.00 of the user's own, for the interest
    const loan = await approvedLoan(user, walletId);
    expect(loan).toMatchObject({
      outstanding_principal: "1000.00",
      interest_due: "0.00",
      remaining_balance: "1000.00",
      next_payment_due: "86.99",
      autopay: true,
      delinquency: "CURRENT",
      days_past_due: 0,
    });
    expect(loan.next_due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // One month: the first interest (6.67) and the first autopay repayment (86.99).
    expect((await advance(31)).status).toBe(200);
    await settled(user, loan.loan_id);
    const month1 = await getLoan(user, loan.loan_id);
    expect(month1).toMatchObject({
      total_interest_charged: "6.67",
      interest_due: "0.00",
      outstanding_principal: "919.68",
      status: "APPROVED",
    });
    const schedule1 = (await api(`/loan/${loan.loan_id}/schedule`, { token: user.token })).body.schedule;
    expect(schedule1[0]).toMatchObject({
      month: 1,
      interest: "6.67",
      payment: "86.99",
      balance_after: "919.68",
      status: "PAID",
      paid: "86.99",
    });
    expect(schedule1[1]).toMatchObject({ month: 2, status: "UPCOMING", interest: "6.13" });
    const repayments1 = (await api(`/loan/${loan.loan_id}/repayments`, { token: user.token })).body.repayments;
    expect(repayments1).toEqual([expect.objectContaining({ amount: "86.99", status: "SUCCESSFUL", source: "AUTOPAY" })]);

    // The other eleven in one move: every due date in turn, each autopay settled before the next.
    expect((await advance(340)).status).toBe(200);
    await settled(user, loan.loan_id);
    await expect.poll(async () => (await getLoan(user, loan.loan_id)).status, { timeout: 10_000 }).toBe("PAID");
    const paid = await getLoan(user, loan.loan_id);
    expect(paid).toMatchObject({
      remaining_balance: "0.00",
      total_interest_charged: "43.86",
      total_fees_charged: "0.00",
      next_due_date: null,
    });
    const debits = await loanRepaymentDebits(user, walletId);
    expect(debits).toHaveLength(12);
    expect(await balanceOf(user, walletId)).toBe("56.14"); // 1100.00 − 1043.86
    const schedule = (await api(`/loan/${loan.loan_id}/schedule`, { token: user.token })).body.schedule;
    expect(schedule.map((r: { status: string }) => r.status)).toEqual(Array(12).fill("PAID"));
    expect(schedule.at(-1)).toMatchObject({ payment: "86.97", interest: "0.58", balance_after: "0.00" });
    const admin = await signupAdmin();
    expect((await api("/admin/ledger", { token: admin.token })).body.difference).toBe("0.00");

    // Nothing more is due: a further move charges nothing.
    await advance(60);
    expect(await loanRepaymentDebits(user, walletId)).toHaveLength(12);
    expect((await getLoan(user, loan.loan_id)).total_interest_charged).toBe("43.86");
    // Each due date is one business event on the user's feed, never repeated by later moves.
    const dueEvents = async () => (await api("/events?type=loan.installment_due&limit=100", { token: user.token })).body.events;
    await expect.poll(async () => (await dueEvents()).length).toBe(12);
    expect((await dueEvents()).every((e: { data: { loan_id: string } }) => e.data.loan_id === loan.loan_id)).toBe(true);
  });

  it("a missed installment: autopay fails for lack of funds, a 10.00 late fee after the grace period, LATE; paying clears it", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const loan = await approvedLoan(user, walletId, "500.00", 6);
    // Spend the loan elsewhere so the autopay debit is refused.
    const out = await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "500.00" } });
    expect(out.status).toBe(200);
    await advance(31);
    await settled(user, loan.loan_id);
    const repayments = (await api(`/loan/${loan.loan_id}/repayments`, { token: user.token })).body.repayments;
    expect(repayments).toEqual([expect.objectContaining({ status: "FAILED", failure_reason: "INSUFFICIENT_FUNDS", source: "AUTOPAY" })]);
    const due = await getLoan(user, loan.loan_id);
    expect(due).toMatchObject({ delinquency: "CURRENT", fees_due: "0.00", interest_due: "3.33" });
    await advance(6);
    const late = await getLoan(user, loan.loan_id);
    expect(late).toMatchObject({ delinquency: "LATE", fees_due: "10.00", total_fees_charged: "10.00" });
    expect(late.days_past_due).toBeGreaterThanOrEqual(5);
    const schedule = (await api(`/loan/${loan.loan_id}/schedule`, { token: user.token })).body.schedule;
    expect(schedule[0]).toMatchObject({ status: "LATE", paid: "0.00" });
    // A duplicate run charges the fee no second time.
    await runDueWorkOnce(env, await clockNow(env), DUE_WORK);
    expect((await getLoan(user, loan.loan_id)).total_fees_charged).toBe("10.00");
    // Recorded from the step's outbox row, a queue hop after the commit.
    const feeEvents = async () => (await api("/events?type=loan.late_fee_charged", { token: user.token })).body.events;
    await expect
      .poll(feeEvents)
      .toEqual([expect.objectContaining({ type: "loan.late_fee_charged", data: expect.objectContaining({ fees_due: "10.00" }) })]);

    // Pay the installment by hand: fee, then interest, then principal.
    const admin = await signupAdmin();
    await api(`/admin/wallets/${walletId}/adjustments`, {
      token: admin.token,
      body: { direction: "CREDIT", amount: "200.00", reason: "test funds" },
    });
    const installment = schedule[0].payment as string;
    expect((await api(`/loan/${loan.loan_id}/repay`, { token: user.token, body: { amount: installment } })).status).toBe(202);
    await settled(user, loan.loan_id);
    const current = await getLoan(user, loan.loan_id);
    expect(current).toMatchObject({ delinquency: "CURRENT", fees_due: "0.00", interest_due: "0.00", days_past_due: 0 });
    const payoff = (await api(`/loan/${loan.loan_id}/payoff`, { token: user.token })).body;
    expect(payoff.payoff_amount).toBe(current.remaining_balance);
    expect((await api("/admin/ledger", { token: admin.token })).body.difference).toBe("0.00");
  });

  it("a servicing run that crashes after a step, and a duplicate run, charge interest and request autopay once per installment", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const loan = await approvedLoan(user, walletId, "300.00", 3);
    let crashes = 0;
    servicingFaults.afterStep = (loanId) => {
      if (loanId === loan.loan_id && crashes++ === 0) throw new Error("injected crash after a servicing step");
    };
    const crashed = await advance(31);
    expect(crashed.status).toBe(500);
    servicingFaults.afterStep = undefined;
    // The step committed but its outbox was not flushed: the re-run (the next cron) sends it.
    const now = await clockNow(env);
    await Promise.all([runDueWorkUntilDone(env, now, DUE_WORK), runDueWorkUntilDone(env, now, DUE_WORK)]);
    await sweepOutbox(env, 0);
    await settled(user, loan.loan_id);
    const after = await getLoan(user, loan.loan_id);
    expect(after.total_interest_charged).toBe("2.00"); // 300.00 × 8 / 1200
    const repayments = (await api(`/loan/${loan.loan_id}/repayments`, { token: user.token })).body.repayments;
    expect(repayments).toHaveLength(1);
    expect(repayments[0]).toMatchObject({ status: "SUCCESSFUL", source: "AUTOPAY" });
    expect(await loanRepaymentDebits(user, walletId)).toHaveLength(1);
    // The run died before it could tell the customer: the step's outbox row does, once.
    const dueEvents = async () =>
      (
        (await api("/events?type=loan.installment_due&limit=100", { token: user.token })).body.events as { data: { loan_id: string } }[]
      ).filter((e) => e.data.loan_id === loan.loan_id).length;
    await expect.poll(dueEvents).toBe(1);
    await sweepOutbox(env, 0);
    expect(await dueEvents()).toBe(1);
  });

  it("a rejected loan owes nothing, has no schedule and keeps its reason", async () => {
    const user = await signup();
    const admin = await signupAdmin();
    const loan = await applyFor(user, await createWallet(user), "300.00");
    await api(`/loan/${loan.loan_id}/reject`, { token: admin.token, body: { reason: "income not verified" } });
    const rejected = await getLoan(user, loan.loan_id);
    expect(rejected).toMatchObject({
      status: "REJECTED",
      remaining_balance: "0.00",
      rejection_reason: "income not verified",
      next_due_date: null,
    });
    expect((await api(`/loan/${loan.loan_id}/schedule`, { token: user.token })).body.schedule).toEqual([]);
    expect((await api(`/loan/${loan.loan_id}/payoff`, { token: user.token })).body.payoff_amount).toBe("0.00");
    // The admin sees who applied; the customer's own view does not carry it.
    expect(rejected.applicant).toBeUndefined();
    const asAdmin = (await api(`/loan/${loan.loan_id}`, { token: admin.token })).body.loan;
    expect(asAdmin.applicant).toHaveProperty("name");
    expect(asAdmin.applicant.email).toBe(user.email);
    const listed = (await api("/loan?status=REJECTED&limit=100", { token: admin.token })).body.loans.find(
      (l: Loan) => l.loan_id === loan.loan_id,
    );
    expect(listed.applicant.email).toBe(user.email);
  });

  it("autopay can be switched off by the borrower: due dates then request nothing", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const loan = await approvedLoan(user, walletId, "200.00", 2);
    const other = await signup();
    expectEnvelope(await api(`/loan/${loan.loan_id}/autopay`, { token: other.token, body: { enabled: false } }), 404, "NOT_FOUND");
    const off = await api(`/loan/${loan.loan_id}/autopay`, { token: user.token, body: { enabled: false } });
    expect(off.body.loan.autopay).toBe(false);
    await advance(31);
    expect((await api(`/loan/${loan.loan_id}/repayments`, { token: user.token })).body.repayments).toEqual([]);
    expect((await getLoan(user, loan.loan_id)).interest_due).toBe("1.33");
  });
});
