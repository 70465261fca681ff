import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, signup, signupAdmin } from "../helpers/api";

/** A 12-month loan, approved and disbursed through the sagas, autopay off so its interest stays owed. */
async function servicedLoan() {
  const user = await signup();
  const admin = await signupAdmin();
  const walletId = await createWallet(user);
  const applied = await api("/loan", {
    token: user.token,
    body: { wallet_id: walletId, amount: "1000.00", loan_term_months: 12, purpose: "Laptop" },
  });
  const loanId = applied.body.loan.loan_id as string;
  await api(`/loan/${loanId}/approve`, { token: admin.token, method: "POST" });
  await expect
    .poll(async () => (await api(`/loan/${loanId}`, { token: user.token })).body.loan.disbursed_at, { timeout: 5000 })
    .not.toBeNull();
  await api(`/loan/${loanId}/autopay`, { token: user.token, body: { enabled: false } });
  return { user, admin, walletId, loanId };
}

describe("POST /v1/debt-optimiser with wallet_id: the loans' live figures", () => {
  it("plans the remaining balance with the interest charged so far, at the loan's rate", async () => {
    const { user, admin, walletId, loanId } = await servicedLoan();
    expect((await api("/admin/clock/advance", { token: admin.token, body: { days: 31 } })).status).toBe(200);
    const loan = (await api(`/loan/${loanId}`, { token: user.token })).body.loan;
    expect(loan.remaining_balance).toBe("1006.67");
    const fromWallet = await api("/debt-optimiser", { token: user.token, body: { monthly_budget: "200", wallet_id: walletId } });
    const byHand = await api("/debt-optimiser", {
      token: user.token,
      body: { monthly_budget: "200", debts: [{ name: "Laptop", balance: "1006.67", apr: "8.00", minimum_payment: "86.99" }] },
    });
    expect(fromWallet.status).toBe(200);
    expect(fromWallet.body).toEqual(byHand.body);
  });

  it("takes the loan's next installment as its minimum, min(minimum_payment, remaining_balance), the term's last one included", async () => {
    const { user, walletId, loanId } = await servicedLoan();
    const plan = (body: Record<string, unknown>) => api("/debt-optimiser", { token: user.token, body: { monthly_budget: "400", ...body } });
    // The twelfth (last) installment is next, 1000.00 still owed: what falls due is 86.99, not the whole balance.
    await env.DB.prepare("UPDATE loans SET installments_charged = 11 WHERE loan_id = ?").bind(loanId).run();
    const last = await plan({ wallet_id: walletId });
    expect(last.status).toBe(200);
    expect(last.body).toEqual(
      (await plan({ debts: [{ name: "Laptop", balance: "1000.00", apr: "8.00", minimum_payment: "86.99" }] })).body,
    );
    // Owing less than the minimum payment, the installment is what is owed.
    await env.DB.prepare("UPDATE loans SET remaining_balance_cents = 5000, outstanding_principal_cents = 5000 WHERE loan_id = ?")
      .bind(loanId)
      .run();
    const small = await plan({ wallet_id: walletId, monthly_budget: "50" });
    expect(small.status).toBe(200);
    expect(small.body).toEqual(
      (await plan({ monthly_budget: "50", debts: [{ name: "Laptop", balance: "50.00", apr: "8.00", minimum_payment: "50.00" }] })).body,
    );
  });
});
