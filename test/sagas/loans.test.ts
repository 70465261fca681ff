import { createMessageBatch, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { amortisationSchedule, interestRateBp, minimumPaymentCents } from "../../workers/domain/loan-pricing";
import { processBatch, queueTap } from "../../workers/events";
import { api, createWallet, expectEnvelope, signup, signupAdmin, type TestUser } from "../helpers/api";

const ledger = (walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));

async function applyFor(user: TestUser, walletId: string, amount: string, months = 12) {
  const res = await api("/loan", { token: user.token, body: { wallet_id: walletId, amount, loan_term_months: months, purpose: "test" } });
  expect(res.status).toBe(201);
  return res.body.loan as { loan_id: string; minimum_payment: string; interest_rate: string };
}

describe("loan pricing", () => {
  it.each([
    [1, 800],
    [12, 800],
    [13, 1200],
    [24, 1200],
    [25, 1500],
    [60, 1500],
  ])("a %i-month loan costs %i bp", (months, bp) => expect(interestRateBp(months)).toBe(bp));

  it.each([
    // Hand-checked against P·r/(1−(1+r)^−n): 1000 at 8%/12m = 86.99, 5000 at 12%/24m = 235.37, 10000 at 15%/36m = 346.65.
    [100_000, 800, 12, 8_699],
    [500_000, 1200, 24, 23_537],
    [1_000_000, 1500, 36, 34_665],
    [5_000, 800, 1, 5_033],
  ])("minimum payment of %i cents at %i bp over %i months is %i cents", (p, bp, n, expected) => {
    expect(minimumPaymentCents(p, bp, n)).toBe(expected);
  });

  it("amortises to exactly zero in the term", () => {
    const rows = amortisationSchedule(500_000, 1200, 24, minimumPaymentCents(500_000, 1200, 24));
    expect(rows).toHaveLength(24);
    expect(rows.at(-1)?.balanceAfter).toBe(0);
    expect(rows.reduce((s, r) => s + r.principal, 0)).toBe(500_000);
  });
});

describe("loan endpoints", () => {
  it("applies, lists, shows the schedule, and guards approve/reject", async () => {
    const user = await signup();
    const admin = await signupAdmin();
    const walletId = await createWallet(user);
    const loan = await applyFor(user, walletId, "1000.00", 12);
    expect(loan).toMatchObject({ interest_rate: "8.00", minimum_payment: "86.99", status: "PENDING", remaining_balance: "1000.00" });
    expect((await api("/loan", { token: user.token })).body.loans.map((l: { loan_id: string }) => l.loan_id)).toEqual([loan.loan_id]);
    const schedule = await api(`/loan/${loan.loan_id}/schedule`, { token: user.token });
    expect(schedule.body.schedule).toHaveLength(12);
    expect(schedule.body.schedule[0]).toEqual({
      month: 1,
      payment: "86.99",
      interest: "6.67",
      principal: "80.32",
      balance_after: "919.68",
    });

    expectEnvelope(await api(`/loan/${loan.loan_id}/approve`, { token: user.token, method: "POST" }), 403, "FORBIDDEN");
    expectEnvelope(await api(`/loan/${loan.loan_id}/repay`, { token: user.token, body: { amount: "1.00" } }), 409, "INVALID_STATE");
    const approved = await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" });
    expect(approved.body.loan.status).toBe("APPROVED");
    expectEnvelope(await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" }), 409, "INVALID_STATE");
    expectEnvelope(await api(`/loan/${loan.loan_id}/reject`, { token: admin.token, method: "POST" }), 409, "INVALID_STATE");
    await expect
      .poll(async () => (await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance, { timeout: 5000 })
      .toBe("1000.00");
    await expect
      .poll(async () => (await api(`/loan/${loan.loan_id}`, { token: user.token })).body.loan.disbursed_at, { timeout: 5000 })
      .not.toBeNull();

    // Another customer sees nothing of it; the admin sees it in the all-users list.
    const other = await signup();
    expectEnvelope(await api(`/loan/${loan.loan_id}`, { token: other.token }), 404, "NOT_FOUND");
    expectEnvelope(await api(`/loan/${loan.loan_id}/repay`, { token: other.token, body: { amount: "1.00" } }), 404, "NOT_FOUND");
    expectEnvelope(await api(`/loan/by-wallet/${walletId}`, { token: other.token }), 404, "NOT_FOUND");
    const all = await api("/loan?status=APPROVED&limit=100", { token: admin.token });
    expect(all.body.loans.some((l: { loan_id: string }) => l.loan_id === loan.loan_id)).toBe(true);

    for (const body of [
      { wallet_id: walletId, amount: "49.99", loan_term_months: 12 },
      { wallet_id: walletId, amount: "50000.01", loan_term_months: 12 },
      { wallet_id: walletId, amount: "100", loan_term_months: 0 },
      { wallet_id: walletId, amount: "100", loan_term_months: 61 },
      { wallet_id: walletId, amount: "100", loan_term_months: 1.5 },
    ]) {
      expectEnvelope(await api("/loan", { token: user.token, body }), 400, "VALIDATION_ERROR");
    }
  });

  it("rejects with a reason", async () => {
    const user = await signup();
    const admin = await signupAdmin();
    const loan = await applyFor(user, await createWallet(user), "60.00");
    const res = await api(`/loan/${loan.loan_id}/reject`, { token: admin.token, body: { reason: "too risky" } });
    expect(res.body.loan.status).toBe("REJECTED");
  });
});

describe("loan sagas", () => {
  it("20 approvals delivered twice each credit the wallets exactly 20 times", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletIds = await Promise.all(Array.from({ length: 4 }, () => createWallet(user)));
    const loans = [];
    for (let i = 0; i < 20; i++) loans.push({ ...(await applyFor(user, walletIds[i % 4]!, "100.00")), walletId: walletIds[i % 4]! });

    const captured: { queue: string; body: unknown }[] = [];
    queueTap.capture = (queue, body) => captured.push({ queue, body });
    try {
      for (const loan of loans)
        expect((await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
      await expect.poll(() => captured.filter((c) => (c.body as { type: string }).type === "LOAN_APPROVED").length).toBe(20);
      const approvals = captured.splice(0);
      // Every approval twice, the copies interleaved.
      for (const round of [approvals, [...approvals].reverse()]) {
        for (const [n, message] of round.entries()) {
          await processBatch(
            createMessageBatch(message.queue, [{ id: `a-${n}`, timestamp: new Date(), attempts: 1, body: message.body }]),
            env,
          );
        }
      }
      await expect.poll(() => captured.length).toBe(20);
      for (const [n, message] of captured.entries()) {
        await processBatch(
          createMessageBatch(message.queue, [{ id: `d-${n}`, timestamp: new Date(), attempts: 1, body: message.body }]),
          env,
        );
      }
    } finally {
      queueTap.capture = undefined;
    }
    let loanIns = 0;
    for (const walletId of walletIds) {
      const entries = (await ledger(walletId).sagaEntries()).filter((e) => e.type === "LOAN_IN");
      for (const e of entries) expect(e).toMatchObject({ count: 1, amount: 10_000 });
      loanIns += entries.length;
    }
    expect(loanIns).toBe(20);
    for (const loan of loans) expect((await api(`/loan/${loan.loan_id}`, { token: user.token })).body.loan.disbursed_at).not.toBeNull();
  });

  it("30 concurrent repayments never overpay, and every debit lowers a loan exactly once", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const setups: { walletId: string; loanId: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const walletId = await createWallet(user);
      const loan = await applyFor(user, walletId, "300.00");
      await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" });
      await expect
        .poll(async () => (await api(`/loan/${loan.loan_id}`, { token: user.token })).body.loan.disbursed_at, { timeout: 5000 })
        .not.toBeNull();
      // Varied funds: spend part of the disbursement so some repayments fail for lack of money.
      await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: ["0.01", "150.00", "280.00"][i]! } });
      setups.push({ walletId, loanId: loan.loan_id });
    }
    const amounts = ["10.00", "25.00", "40.00", "55.00", "70.00"];
    const requests = Array.from({ length: 30 }, (_, i) => {
      const { loanId } = setups[i % 3]!;
      return api(`/loan/${loanId}/repay`, { token: user.token, body: { amount: amounts[i % amounts.length]! } });
    });
    const responses = await Promise.all(requests);
    for (const r of responses) expect([202, 422]).toContain(r.status);
    const accepted = responses.filter((r) => r.status === 202);
    expect(accepted.length).toBeGreaterThan(0);
    for (const r of responses.filter((r) => r.status === 422)) expect(r.body.error.code).toBe("REPAYMENT_EXCEEDS_BALANCE");

    const repayments = async () =>
      (await Promise.all(setups.map((s) => api(`/loan/${s.loanId}/repayments`, { token: user.token })))).flatMap((r) => r.body.repayments);
    await expect
      .poll(async () => (await repayments()).every((r: { status: string }) => r.status !== "PENDING"), { timeout: 10_000 })
      .toBe(true);
    const all = await repayments();
    expect(all).toHaveLength(accepted.length);

    let debited = 0;
    let reduced = 0;
    for (const { walletId, loanId } of setups) {
      const loan = (await api(`/loan/${loanId}`, { token: user.token })).body.loan;
      const remaining = Math.round(Number(loan.remaining_balance) * 100);
      expect(remaining).toBeGreaterThanOrEqual(0);
      reduced += 30_000 - remaining;
      if (remaining === 0) expect(loan.status).toBe("PAID");
      const entries = (await ledger(walletId).sagaEntries()).filter((e) => e.type === "LOAN_REPAYMENT");
      for (const e of entries) expect(e.count).toBe(1);
      debited += entries.reduce((s, e) => s + e.amount, 0);
      const audit = (await ledger(walletId).audit())!;
      expect(audit.balance).toBeGreaterThanOrEqual(0);
    }
    expect(debited).toBe(reduced);
    const successful = all.filter((r: { status: string }) => r.status === "SUCCESSFUL");
    expect(successful.reduce((s: number, r: { amount: string }) => s + Math.round(Number(r.amount) * 100), 0)).toBe(debited);
    for (const r of all.filter((r: { status: string }) => r.status === "FAILED")) expect(r.failure_reason).toBe("INSUFFICIENT_FUNDS");
  });
});
