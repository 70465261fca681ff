import { expect } from "vitest";
import { api, type TestUser } from "../helpers/api";

/** Applies for a loan on the wallet and returns it as the API answered (201). */
export async function applyFor(user: TestUser, walletId: string, amount: string, months = 12) {
  const res = await api("/loan", { token: user.token, body: { wallet_id: walletId, amount, loan_term_months: months, purpose: "test" } });
  expect(res.status).toBe(201);
  return res.body.loan as { loan_id: string; minimum_payment: string; interest_rate: string };
}
