import { createMessageBatch, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseCents } from "../../workers/domain/money";
import { processBatch, queueTap } from "../../workers/events";
import { api, createWallet, signup, signupAdmin } from "../helpers/api";
import { ledger } from "../helpers/wallet";
import { applyFor } from "./loans-factories";

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
      const remaining = parseCents(loan.remaining_balance);
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
    expect(successful.reduce((s: number, r: { amount: string }) => s + parseCents(r.amount), 0)).toBe(debited);
    for (const r of all.filter((r: { status: string }) => r.status === "FAILED")) expect(r.failure_reason).toBe("INSUFFICIENT_FUNDS");
  });
});
