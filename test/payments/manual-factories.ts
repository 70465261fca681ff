import { expect } from "vitest";
import { api, type TestUser } from "../helpers/api";

export type PaymentBody = {
  transaction_id: string;
  wallet_id: string;
  capture: "automatic" | "manual";
  status: string;
  failure_reason: string | null;
  authorized_amount: string | null;
  captured_amount: string;
  refunded_amount: string;
  authorization_expires_at: string | null;
};

export const getPayment = async (user: TestUser, id: string): Promise<PaymentBody> =>
  (await api(`/payment/${id}`, { token: user.token })).body.payment;

/** Polls until the payment leaves PENDING; returns it. */
export async function settled(user: TestUser, id: string): Promise<PaymentBody> {
  await expect.poll(async () => (await getPayment(user, id)).status, { timeout: 10_000, interval: 25 }).not.toBe("PENDING");
  return getPayment(user, id);
}

/** A manual-capture payment, polled until the saga placed (or refused) its hold. */
export async function authorize(user: TestUser, walletId: string, amount: string, merchant = "Hotel Lisboa"): Promise<PaymentBody> {
  const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant, amount, capture: "manual" } });
  expect(res.status).toBe(202);
  expect(res.body.payment).toMatchObject({ status: "PENDING", capture: "manual", authorized_amount: amount });
  return settled(user, res.body.payment.transaction_id);
}

/** An automatic payment, polled until SUCCESSFUL or FAILED. */
export async function pay(user: TestUser, walletId: string, amount: string, merchant = "Corner Cafe"): Promise<PaymentBody> {
  const res = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant, amount } });
  expect(res.status).toBe(202);
  return settled(user, res.body.payment.transaction_id);
}

export const wallet = async (user: TestUser, walletId: string) => (await api(`/wallet/${walletId}`, { token: user.token })).body.wallet;

export const capture = (user: TestUser, id: string, body?: unknown, headers?: Record<string, string>) =>
  api(`/payment/${id}/capture`, {
    token: user.token,
    method: "POST",
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });
export const cancel = (user: TestUser, id: string, headers?: Record<string, string>) =>
  api(`/payment/${id}/cancel`, { token: user.token, method: "POST", ...(headers ? { headers } : {}) });
export const refund = (user: TestUser, id: string, body?: unknown, headers?: Record<string, string>) =>
  api(`/payment/${id}/refund`, {
    token: user.token,
    method: "POST",
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });
