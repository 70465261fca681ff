import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../workers/lib/db";
import { loans } from "../../workers/lib/schema";
import { api, createWallet, signup, type TestUser } from "../helpers/api";

const threeDebts = [
  { name: "Card", balance: "2000.00", apr: "24", minimum_payment: "60.00" },
  { name: "Car", balance: 5000, apr: 6, minimum_payment: 100 },
  { name: "Store", balance: "500", apr: "18.00", minimum_payment: "25" },
];

/** The loans service owns loan rows; these tests only need some to read, so they are written directly. */
async function addLoan(
  user: TestUser,
  walletId: string,
  loan: { status: string; purpose: string | null; balance: number; rateBp: number; minimum: number },
) {
  const now = new Date().toISOString();
  const loanId = crypto.randomUUID();
  await createDb(env.DB)
    .insert(loans)
    .values({
      loanId,
      walletId,
      userId: user.user_id,
      amountCents: loan.balance,
      interestRateBp: loan.rateBp,
      loanTermMonths: 12,
      minimumPaymentCents: loan.minimum,
      remainingBalanceCents: loan.balance,
      status: loan.status as "APPROVED",
      purpose: loan.purpose,
      createdAt: now,
      updatedAt: now,
    });
  return loanId;
}

describe("POST /v1/debt-optimiser with debts", () => {
  it("answers the three plans with the numbers pinned in simulate.table.test.ts", async () => {
    const user = await signup();
    const res = await api("/debt-optimiser", { token: user.token, body: { monthly_budget: "400.00", debts: threeDebts } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["avalanche", "snowball", "minimum_only", "recommended", "interest_saved"]);
    expect(res.body).toMatchObject({
      avalanche: {
        strategy: "avalanche",
        months: 21,
        total_interest: "586.45",
        total_paid: "8086.45",
        payoff_order: ["Card", "Store", "Car"],
      },
      snowball: {
        strategy: "snowball",
        months: 21,
        total_interest: "604.13",
        total_paid: "8104.13",
        payoff_order: ["Store", "Card", "Car"],
      },
      minimum_only: { strategy: "minimum_only", months: 58, total_interest: "2195.89" },
      recommended: "avalanche",
      interest_saved: "17.68",
    });
    expect(res.body.avalanche.debts[0]).toEqual({ name: "Card", payoff_month: 8, interest_paid: "183.01" });
    expect(res.body.avalanche.schedule).toHaveLength(21);
    expect(res.body.avalanche.schedule[0]).toEqual({
      month: 1,
      total_balance: "7172.50",
      balances: { Card: "1765.00", Car: "4925.00", Store: "482.50" },
      payments: { Card: "275.00", Car: "100.00", Store: "25.00" },
    });
  });

  it("answers minimum_only null and a negative interest_saved when snowball is cheaper", async () => {
    const user = await signup();
    const res = await api("/debt-optimiser", {
      token: user.token,
      body: {
        monthly_budget: "5.57",
        debts: [
          { name: "A", balance: "41.00", apr: "12", minimum_payment: "1.00" },
          { name: "B", balance: "33.00", apr: "12", minimum_payment: "2.00" },
          { name: "Friend", balance: "0.01", apr: 0, minimum_payment: 0 },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.minimum_only).toBeNull();
    expect(res.body.recommended).toBe("snowball");
    expect(res.body.interest_saved).toBe("-0.01");
  });

  it("keeps names such as __proto__ as ordinary keys", async () => {
    const user = await signup();
    const res = await api("/debt-optimiser", {
      token: user.token,
      body: { monthly_budget: "100", debts: [{ name: "__proto__", balance: "150", apr: "0", minimum_payment: "0" }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.avalanche.schedule[0].balances).toEqual(JSON.parse('{"__proto__":"50.00"}'));
  });

  it("is described in the OpenAPI document", async () => {
    const doc = await api("/openapi.json");
    const post = doc.body.paths["/debt-optimiser"].post;
    expect(Object.keys(post.responses).sort()).toEqual(["200", "400", "401", "403", "404", "413", "415", "422", "429"]);
    expect(doc.body.components.schemas.DebtPlan.properties.schedule).toBeDefined();
    expect(doc.body.components.schemas.DebtOptimiserResult.properties.interest_saved.description).toContain("negative");
  });
});

describe("POST /v1/debt-optimiser with wallet_id", () => {
  it("plans the wallet's APPROVED loans, named by purpose or, when not unique, by loan id", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    await addLoan(user, walletId, { status: "APPROVED", purpose: "Laptop", balance: 120_000, rateBp: 800, minimum: 10_439 });
    const carA = await addLoan(user, walletId, { status: "APPROVED", purpose: "Car", balance: 300_000, rateBp: 1500, minimum: 10_400 });
    const carB = await addLoan(user, walletId, { status: "APPROVED", purpose: "Car", balance: 50_000, rateBp: 1200, minimum: 2_354 });
    const unnamed = await addLoan(user, walletId, { status: "APPROVED", purpose: null, balance: 10_000, rateBp: 800, minimum: 870 });
    await addLoan(user, walletId, { status: "PENDING", purpose: "Holiday", balance: 90_000, rateBp: 800, minimum: 7_829 });
    await addLoan(user, walletId, { status: "REJECTED", purpose: "Boat", balance: 90_000, rateBp: 800, minimum: 7_829 });

    const res = await api("/debt-optimiser", { token: user.token, body: { monthly_budget: "500", wallet_id: walletId } });
    expect(res.status).toBe(200);
    expect(res.body.avalanche.debts.map((d: { name: string }) => d.name).sort()).toEqual(["Laptop", carA, carB, unnamed].sort());
    // Avalanche pays the 15% loan first, the 12% second.
    expect(res.body.avalanche.payoff_order.indexOf(carA)).toBeLessThan(res.body.avalanche.payoff_order.indexOf(carB));
    expect(res.body.avalanche.schedule[0].total_balance).not.toBe("0.00");
  });

  it("answers empty plans for a wallet with no approved loans", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const res = await api("/debt-optimiser", { token: user.token, body: { monthly_budget: "100", wallet_id: walletId } });
    expect(res.status).toBe(200);
    expect(res.body.avalanche).toMatchObject({
      months: 0,
      total_interest: "0.00",
      total_paid: "0.00",
      payoff_order: [],
      debts: [],
      schedule: [],
    });
    expect(res.body.minimum_only.months).toBe(0);
    expect(res.body.interest_saved).toBe("0.00");
  });
});
