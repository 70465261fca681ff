import { describe, expect, it } from "vitest";
import { textProblem } from "../../workers/lib/text";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";

const raw = (token: string, path: string, text: string) =>
  api(path, { token, rawBody: text, headers: { "content-type": "application/json" } });

describe("amounts as written (API.md Conventions: Money)", () => {
  it.each([
    ['{"amount": 1e3}', "amount"],
    ['{"amount": 1E2}', "amount"],
    ['{"amount": 1.5e1}', "amount"],
    ['{"amount": 12.500}', "amount"],
    ['{"amount": 0.10e1}', "amount"],
    ['{"amount": 5, "description": "x", "extra": 1e0}', "extra"],
  ])("refuses the JSON number in %s with 400 naming %s", async (body, path) => {
    const user = await signup();
    const walletId = await createWallet(user);
    const res = await raw(user.token, `/wallet/${walletId}/credit`, body);
    expectEnvelope(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("0.00");
  });

  it.each([
    ['" 12.50"', "leading space"],
    ['"12.50 "', "trailing space"],
    ['"\\t12.50"', "tab"],
    ['"1e3"', "exponent in a string"],
    ['"NaN"', "NaN"],
    ["0", "zero"],
    ['"0.00"', "zero"],
    ['"-1.00"', "negative"],
    ['"1.005"', "three decimals"],
    ['"1000000.01"', "over one million"],
    ["1000000.01", "over one million as a number"],
  ])("refuses %s (%s)", async (amount) => {
    const user = await signup();
    const walletId = await createWallet(user);
    expectEnvelope(await raw(user.token, `/wallet/${walletId}/credit`, `{"amount": ${amount}}`), 400, "VALIDATION_ERROR");
  });

  it.each([
    ["12.5", "12.50"],
    ["12.50", "12.50"],
    ['"12.5"', "12.50"],
    ["1000000", "1000000.00"],
    ['"1000000.00"', "1000000.00"],
    ["0.01", "0.01"],
  ])("accepts %s as %s", async (amount, expected) => {
    const user = await signup();
    const walletId = await createWallet(user);
    const res = await raw(user.token, `/wallet/${walletId}/credit`, `{"amount": ${amount}}`);
    expect(res.status).toBe(200);
    expect(res.body.transaction.amount).toBe(expected);
  });
});

const BAD_TEXT: [string, string][] = [
  ["a\nb", "line feed"],
  ["a\r\nb", "CR LF"],
  ["a\u0000b", "NUL"],
  ["a\tb", "tab"],
  ["a\u007fb", "DEL"],
  ["a\u0085b", "C1 next line"],
  ["a\u009bb", "C1 CSI"],
  ["evil\u202Etxt.exe", "right-to-left override"],
  ["a\u202Ab", "left-to-right embedding"],
  ["a\u2066b", "left-to-right isolate"],
  ["a\u2069b", "pop directional isolate"],
  ["", "empty"],
  ["   ", "blank"],
  [" padded", "leading space"],
  ["x".repeat(201), "201 characters"],
];

describe("text fields (API.md Conventions: Text)", () => {
  it.each(BAD_TEXT)("textProblem refuses %j (%s)", (text) => {
    expect(textProblem(text)).not.toBeNull();
  });

  it.each([["Coffee"], ["Café ☕ 東京"], ["x".repeat(200)], ["👩‍👩‍👧 family"], ["O'Brien & Sons, Ltd. (#2)"]])(
    "textProblem accepts %j",
    (text) => {
      expect(textProblem(text)).toBeNull();
    },
  );

  it("every route with free text refuses control characters and bidi overrides, and stores nothing", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 100_000);
    for (const [text] of BAD_TEXT) {
      const attempts = [
        api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "1.00", description: text } }),
        api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "1.00", description: text } }),
        api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: text, amount: "1.00" } }),
        api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "1.00", description: text } }),
        api("/loan", { token: user.token, body: { wallet_id: walletId, amount: "100.00", loan_term_months: 12, purpose: text } }),
        api("/savings-goal", { token: user.token, body: { wallet_id: walletId, goal_name: text, target_amount: "10.00" } }),
        api("/auth/signup", { body: { email: `t-${crypto.randomUUID()}@example.com`, password: "a-long-passphrase-9", name: text } }),
        api("/debt-optimiser", {
          token: user.token,
          body: { monthly_budget: "100", debts: [{ name: text, balance: "500", apr: "10", minimum_payment: "20" }] },
        }),
      ];
      for (const res of await Promise.all(attempts)) {
        expectEnvelope(res, 400, "VALIDATION_ERROR");
      }
    }
    const transactions = (await api(`/wallet/${walletId}/transactions`, { token: user.token })).body.transactions;
    expect(transactions).toHaveLength(1);
    expect((await api(`/payment/by-wallet/${walletId}`, { token: user.token })).body.payments).toEqual([]);
    expect((await api(`/savings-goal/by-wallet/${walletId}`, { token: user.token })).body.goals).toEqual([]);
    expect((await api("/loan", { token: user.token })).body.loans).toEqual([]);
  });

  it("accepts ordinary international text and stores it as sent", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const res = await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "1.00", description: "Café ☕ 東京 — ok" } });
    expect(res.status).toBe(200);
    expect(res.body.transaction.description).toBe("Café ☕ 東京 — ok");
  });
});
