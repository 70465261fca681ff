import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup, signupAdmin } from "../helpers/api";
import { balanceOf } from "../helpers/wallet";
import { applyFor } from "./loans-factories";

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
      due_date: null,
      payment: "86.99",
      interest: "6.67",
      principal: "80.32",
      balance_after: "919.68",
      status: "UPCOMING",
      paid: "0.00",
    });

    expectEnvelope(await api(`/loan/${loan.loan_id}/approve`, { token: user.token, method: "POST" }), 403, "FORBIDDEN");
    expectEnvelope(await api(`/loan/${loan.loan_id}/repay`, { token: user.token, body: { amount: "1.00" } }), 409, "INVALID_STATE");
    const approved = await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" });
    expect(approved.body.loan.status).toBe("APPROVED");
    expectEnvelope(await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" }), 409, "INVALID_STATE");
    expectEnvelope(await api(`/loan/${loan.loan_id}/reject`, { token: admin.token, method: "POST" }), 409, "INVALID_STATE");
    await expect.poll(() => balanceOf(user, walletId), { timeout: 5000 }).toBe("1000.00");
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
