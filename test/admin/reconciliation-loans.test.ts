import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";
import { applyFor } from "../loans/loans-factories";

type Difference = { kind: string; wallet_id: string; reference_id: string | null; message: string };

async function loanDifferences(walletId: string): Promise<Difference[]> {
  const res = await api("/admin/reconciliation", { token: (await signupAdmin()).token });
  expect(res.status).toBe(200);
  return (res.body.differences as Difference[]).filter((d) => d.wallet_id === walletId && d.kind.startsWith("LOAN"));
}

const getLoan = async (user: TestUser, loanId: string) => (await api(`/loan/${loanId}`, { token: user.token })).body.loan;

describe("reconciliation of loans", () => {
  it("a rejected loan owes nothing and reconciles", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const admin = await signupAdmin();
    const loan = await applyFor(user, walletId, "300.00");
    expect((await api(`/loan/${loan.loan_id}/reject`, { token: admin.token, body: { reason: "no" } })).status).toBe(200);
    expect(await loanDifferences(walletId)).toEqual([]);
  });

  it("a serviced loan (interest charged, autopay repaid) reconciles; a remaining balance off by a cent does not", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const admin = await signupAdmin();
    const loan = await applyFor(user, walletId, "1000.00");
    expect((await api(`/loan/${loan.loan_id}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
    await expect.poll(async () => (await getLoan(user, loan.loan_id)).disbursed_at, { timeout: 5000 }).not.toBeNull();
    expect((await api("/admin/clock/advance", { token: admin.token, body: { days: 31 } })).status).toBe(200);
    await expect
      .poll(async () => (await api(`/loan/${loan.loan_id}/repayments`, { token: user.token })).body.repayments, { timeout: 10_000 })
      .toEqual([expect.objectContaining({ source: "AUTOPAY", status: "SUCCESSFUL", amount: "86.99" })]);
    expect(await getLoan(user, loan.loan_id)).toMatchObject({ total_interest_charged: "6.67", remaining_balance: "919.68" });
    expect(await loanDifferences(walletId)).toEqual([]);

    await env.DB.prepare("UPDATE loans SET remaining_balance_cents = remaining_balance_cents + 1 WHERE loan_id = ?")
      .bind(loan.loan_id)
      .run();
    expect(await loanDifferences(walletId)).toEqual([
      expect.objectContaining({ kind: "LOAN_BALANCE", reference_id: loan.loan_id, message: expect.stringContaining("919.69") }),
    ]);
  });

  it("a remaining balance that is not its parts is a difference", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const loan = await applyFor(user, walletId, "200.00");
    await env.DB.prepare("UPDATE loans SET outstanding_principal_cents = 19000 WHERE loan_id = ?").bind(loan.loan_id).run();
    expect(await loanDifferences(walletId)).toEqual([
      expect.objectContaining({ kind: "LOAN_BALANCE", message: expect.stringContaining("principal + interest due + fees due 190.00") }),
    ]);
  });
});
