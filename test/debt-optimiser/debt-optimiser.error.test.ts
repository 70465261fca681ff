import { describe, expect, it } from "vitest";
import { api, expectEnvelope, signup } from "../helpers/api";

const card = { name: "Card", balance: "1000.00", apr: "24", minimum_payment: "20.00" };

async function optimiseAs(body: unknown) {
  const user = await signup();
  return api("/debt-optimiser", { token: user.token, body });
}

describe("400 VALIDATION_ERROR", () => {
  it.each([
    ["duplicate names (after trimming)", { monthly_budget: "100", debts: [card, { ...card, name: " Card " }] }, "debts.1.name"],
    ["51 debts", { monthly_budget: "100", debts: Array.from({ length: 51 }, (_, i) => ({ ...card, name: `d${i}` })) }, "debts"],
    ["no debts", { monthly_budget: "100", debts: [] }, "debts"],
    ["apr above 100", { monthly_budget: "100", debts: [{ ...card, apr: "100.01" }] }, "debts.0.apr"],
    ["apr with three decimals", { monthly_budget: "100", debts: [{ ...card, apr: "100.001" }] }, "debts.0.apr"],
    ["negative apr", { monthly_budget: "100", debts: [{ ...card, apr: -1 }] }, "debts.0.apr"],
    ["apr in exponent form", { monthly_budget: "100", debts: [{ ...card, apr: "1e1" }] }, "debts.0.apr"],
    ["negative balance", { monthly_budget: "100", debts: [{ ...card, balance: "-5.00" }] }, "debts.0.balance"],
    ["zero balance", { monthly_budget: "100", debts: [{ ...card, balance: 0 }] }, "debts.0.balance"],
    ["balance with three decimals", { monthly_budget: "100", debts: [{ ...card, balance: "1.001" }] }, "debts.0.balance"],
    ["negative minimum", { monthly_budget: "100", debts: [{ ...card, minimum_payment: "-0.01" }] }, "debts.0.minimum_payment"],
    ["zero budget", { monthly_budget: "0", debts: [card] }, "monthly_budget"],
    ["empty name", { monthly_budget: "100", debts: [{ ...card, name: "   " }] }, "debts.0.name"],
    ["name over 100 characters", { monthly_budget: "100", debts: [{ ...card, name: "x".repeat(101) }] }, "debts.0.name"],
    ["unknown top-level field", { monthly_budget: "100", debts: [card], currency: "USD" }, "(root)"],
    ["unknown debt field", { monthly_budget: "100", debts: [{ ...card, type: "card" }] }, "debts.0"],
    ["neither debts nor wallet_id", { monthly_budget: "100" }, "debts"],
    ["both debts and wallet_id", { monthly_budget: "100", debts: [card], wallet_id: crypto.randomUUID() }, "wallet_id"],
    ["missing monthly_budget", { debts: [card] }, "monthly_budget"],
  ])("%s", async (_, body, path) => {
    const res = await optimiseAs(body);
    expectEnvelope(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("accepts the edges: apr 0 and 100.00, minimum 0, 50 debts", async () => {
    const debts = Array.from({ length: 50 }, (_, i) => ({
      name: `d${i}`,
      balance: "10.00",
      apr: i % 2 ? "100.00" : 0,
      minimum_payment: i % 3 ? "0" : 0.5,
    }));
    const res = await optimiseAs({ monthly_budget: "1000", debts });
    expect(res.status).toBe(200);
  });

  it("refuses a body that is not JSON", async () => {
    const user = await signup();
    const res = await api("/debt-optimiser", { token: user.token, rawBody: "{", headers: { "content-type": "application/json" } });
    expectEnvelope(res, 400, "VALIDATION_ERROR");
  });
});

describe("422", () => {
  it("BUDGET_TOO_LOW below the sum of the minimums", async () => {
    const res = await optimiseAs({ monthly_budget: "29.99", debts: [card, { ...card, name: "Other", minimum_payment: "10" }] });
    expectEnvelope(res, 422, "BUDGET_TOO_LOW");
  });

  it("NEVER_PAID_OFF past 600 months", async () => {
    // 10000.00 at 12% accrues 100.00 a month: 100.01 a month needs ~926 months.
    const res = await optimiseAs({
      monthly_budget: "100.01",
      debts: [{ name: "Loan", balance: "10000", apr: "12", minimum_payment: "100" }],
    });
    expectEnvelope(res, 422, "NEVER_PAID_OFF");
  });
});

describe("404 NOT_FOUND for wallets", () => {
  it.each([
    ["an unknown wallet", crypto.randomUUID()],
    ["a malformed id", "not-a-wallet"],
  ])("%s", async (_, walletId) => {
    expectEnvelope(await optimiseAs({ monthly_budget: "100", wallet_id: walletId }), 404, "NOT_FOUND");
  });
});
