import { expect } from "vitest";
import { client, type TestUser } from "../helpers/api";

/** Applies for a loan on the wallet and returns it as the API answered (201). */
export async function applyFor(user: TestUser, walletId: string, amount: string, months = 12) {
  const res = await client(user.token).loan.$post({
    header: {},
    json: { wallet_id: walletId, amount, loan_term_months: months, purpose: "test" },
  });
  expect(res.status).toBe(201);
  if (res.status !== 201) throw new Error("unreachable");
  return (await res.json()).loan;
}
