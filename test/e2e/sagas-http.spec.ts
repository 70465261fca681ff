import { expect, test } from "@playwright/test";

const PASSWORD = "Quiet-Harbor-7-Lantern";

// Over real HTTP against the running local stack (through the UI's /v1 proxy): the sagas finish fast.
test("a payment reaches SUCCESSFUL and a loan approval credits the wallet within 1 s", async ({ request }) => {
  const email = `saga-${Date.now()}@example.com`;
  const signup = await request.post("/v1/auth/signup", { data: { email, password: PASSWORD } });
  expect(signup.status()).toBe(201);
  const token = (await signup.json()).token as string;
  const headers = { authorization: `Bearer ${token}` };
  const wallet = (await (await request.post("/v1/wallet", { headers, data: {} })).json()).wallet;
  await request.post(`/v1/wallet/${wallet.wallet_id}/credit`, { headers, data: { amount: "50.00" } });

  const started = Date.now();
  const payment = (
    await (await request.post("/v1/payment", { headers, data: { wallet_id: wallet.wallet_id, merchant: "Cafe", amount: "12.50" } })).json()
  ).payment;
  await expect
    .poll(async () => (await (await request.get(`/v1/payment/${payment.transaction_id}`, { headers })).json()).payment.status, {
      intervals: [20],
      timeout: 1_000,
    })
    .toBe("SUCCESSFUL");
  const paymentMs = Date.now() - started;

  const adminSignup = await request.post("/v1/auth/signup", { data: { email: "admin@example.com", password: PASSWORD } });
  const adminToken =
    adminSignup.status() === 201
      ? (await adminSignup.json()).token
      : (await (await request.post("/v1/auth/login", { data: { email: "admin@example.com", password: PASSWORD } })).json()).token;
  const loan = (
    await (await request.post("/v1/loan", { headers, data: { wallet_id: wallet.wallet_id, amount: "100.00", loan_term_months: 6 } })).json()
  ).loan;
  const approvedAt = Date.now();
  expect((await request.post(`/v1/loan/${loan.loan_id}/approve`, { headers: { authorization: `Bearer ${adminToken}` } })).status()).toBe(
    200,
  );
  await expect
    .poll(async () => (await (await request.get(`/v1/wallet/${wallet.wallet_id}`, { headers })).json()).wallet.balance, {
      intervals: [20],
      timeout: 1_000,
    })
    .toBe("137.50");
  test.info().annotations.push({ type: "timing", description: `payment ${paymentMs} ms, loan credit ${Date.now() - approvedAt} ms` });
});
