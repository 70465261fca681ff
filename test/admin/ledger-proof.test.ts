import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseCents } from "../../workers/domain/money";
import { api, centsToString, createWallet, expectEnvelope, signup, signupAdmin, type TestUser } from "../helpers/api";

type Proof = {
  checked_at: string;
  wallets: string;
  goals: string;
  held: string;
  counterparties: { account: string; balance: string }[];
  in_transit: string;
  difference: string;
};

async function proof(admin: TestUser): Promise<Proof> {
  const res = await api<Proof>("/admin/ledger", { token: admin.token });
  expect(res.status).toBe(200);
  return res.body;
}

/** The proof's money as cents, counterparties by account. */
function cents(p: Proof) {
  const accounts = Object.fromEntries(p.counterparties.map((c) => [c.account, parseCents(c.balance)]));
  return { wallets: parseCents(p.wallets), goals: parseCents(p.goals), held: parseCents(p.held), accounts };
}

const poll = (read: () => Promise<unknown>, expected: unknown) => expect.poll(read, { timeout: 10_000, interval: 50 }).toBe(expected);

describe("GET /v1/admin/ledger", () => {
  it("answers the proof's shape, the five accounts first, in order", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    await createWallet(user, 1_234);
    const body = await proof(admin);
    expect(Object.keys(body).sort()).toEqual(["checked_at", "counterparties", "difference", "goals", "held", "in_transit", "wallets"]);
    expect(Number.isNaN(Date.parse(body.checked_at))).toBe(false);
    expect(body.counterparties.slice(0, 5).map((c) => c.account)).toEqual(["funding", "payouts", "adjustments", "merchants", "loans"]);
    for (const money of [
      body.wallets,
      body.goals,
      body.held,
      body.in_transit,
      body.difference,
      ...body.counterparties.map((c) => c.balance),
    ]) {
      expect(money).toMatch(/^-?\d+\.\d{2}$/);
    }
    expect(parseCents(body.counterparties[0]!.balance)).toBeGreaterThanOrEqual(1_234);
    expect(body.in_transit).toBe("0.00");
    expect(body.difference).toBe("0.00");
  });

  it("is for admins only", async () => {
    const user = await signup();
    expectEnvelope(await api("/admin/ledger", { token: user.token }), 403, "FORBIDDEN");
    expectEnvelope(await api("/admin/ledger"), 401);
  });

  it("explains every move to the cent: each account's balance is what the moves sent through it", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const before = cents(await proof(admin));
    const walletId = await createWallet(user);
    const other = await createWallet(user);
    const moved = { funding: 0, payouts: 0, adjustments: 0, merchants: 0, loans: 0, goals: 0 };

    for (const [id, amount] of [
      [walletId, 50_000],
      [other, 7_525],
    ] as const) {
      const res = await api(`/wallet/${id}/credit`, { token: user.token, body: { amount: centsToString(amount) } });
      expect(res.status).toBe(200);
      moved.funding += amount;
    }
    expect((await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "12.34" } })).status).toBe(200);
    moved.payouts -= 1_234;

    const payment = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Corner Cafe", amount: "45.67" } });
    expect(payment.status).toBe(202);
    const paymentId = payment.body.payment.transaction_id;
    await poll(async () => (await api(`/payment/${paymentId}`, { token: user.token })).body.payment.status, "SUCCESSFUL");
    moved.merchants -= 4_567;

    const loan = await api("/loan", {
      token: user.token,
      body: { wallet_id: other, amount: "1000.00", loan_term_months: 12, purpose: "test" },
    });
    expect(loan.status).toBe(201);
    const loanId = loan.body.loan.loan_id;
    expect((await api(`/loan/${loanId}/approve`, { token: admin.token, method: "POST" })).status).toBe(200);
    await poll(async () => (await api(`/loan/${loanId}`, { token: user.token })).body.loan.disbursed_at !== null, true);
    moved.loans += 100_000;
    const repay = await api(`/loan/${loanId}/repay`, { token: user.token, body: { amount: "250.00" } });
    expect(repay.status).toBe(202);
    const repaymentId = repay.body.repayment.repayment_id;
    await poll(
      async () =>
        (await api(`/loan/${loanId}/repayments`, { token: user.token })).body.repayments.find(
          (r: { repayment_id: string }) => r.repayment_id === repaymentId,
        )?.status,
      "SUCCESSFUL",
    );
    moved.loans -= 25_000;

    // Savings: add then redeem at target, and add then close (delete); one goal left holding money.
    const goal = async (target: string) => {
      const res = await api("/savings-goal", {
        token: user.token,
        body: { wallet_id: walletId, goal_name: "Trip", target_amount: target },
      });
      expect(res.status).toBe(201);
      return res.body.goal.goal_id as string;
    };
    const add = async (goalId: string, amount: number) => {
      expect((await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: centsToString(amount) } })).status).toBe(200);
      moved.goals += amount;
    };
    const redeemed = await goal("30.00");
    await add(redeemed, 3_000);
    expect((await api(`/savings-goal/${redeemed}/redeem`, { token: user.token, method: "POST" })).status).toBe(200);
    moved.goals -= 3_000;
    const closed = await goal("500.00");
    await add(closed, 1_999);
    expect((await api(`/savings-goal/${closed}`, { token: user.token, method: "DELETE" })).status).toBe(200);
    moved.goals -= 1_999;
    await add(await goal("900.00"), 8_001);

    const after = await proof(admin);
    expect(after.difference).toBe("0.00");
    expect(after.in_transit).toBe("0.00");
    const now = cents(after);
    const delta = (account: string) => (now.accounts[account] ?? 0) - (before.accounts[account] ?? 0);
    expect({
      funding: delta("funding"),
      payouts: delta("payouts"),
      merchants: delta("merchants"),
      loans: delta("loans"),
      adjustments: delta("adjustments"),
      goals: now.goals - before.goals,
      wallets: now.wallets - before.wallets,
    }).toEqual({
      ...moved,
      wallets: moved.funding + moved.payouts + moved.merchants + moved.loans - moved.goals,
    });
  });

  it("fails when a ledger's balance no longer matches its entries", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    expect((await proof(admin)).difference).toBe("0.00");
    const stub = env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE wallet SET balance = balance + 1");
    });
    const broken = await proof(admin);
    expect(broken.difference).toBe("0.01");
    // The entries still say what really happened: the counterparty side did not move.
    expect(parseCents(broken.wallets) - parseCents(broken.difference)).toBe(
      broken.counterparties.reduce((sum, c) => sum + parseCents(c.balance), 0) - parseCents(broken.goals) - parseCents(broken.in_transit),
    );
    // Undo it, so no later check against this storage inherits the broken wallet.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE wallet SET balance = balance - 1");
    });
    expect((await proof(admin)).difference).toBe("0.00");
  });
});
