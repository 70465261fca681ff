import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { nowIso } from "../../workers/lib/ids";
import { api, createWallet, signup, signupAdmin, type TestUser } from "../helpers/api";

const ledger = (walletId: string) => env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId));

/** A SUCCESSFUL payment in D1 and its PAYMENT_OUT in the ledger, naming `account` as its other side. */
async function settledPayment(user: TestUser, walletId: string, account: string) {
  const paymentId = crypto.randomUUID();
  const now = nowIso();
  await env.DB.prepare(
    `INSERT INTO payments (payment_id, wallet_id, user_id, merchant, amount_cents, status, created_at, updated_at)
     VALUES (?, ?, ?, 'Corner Cafe', 500, 'SUCCESSFUL', ?, ?)`,
  )
    .bind(paymentId, walletId, user.user_id, now, now)
    .run();
  const outcome = await ledger(walletId).debit({
    transferId: paymentId,
    owner: null,
    amount: 500,
    type: "PAYMENT_OUT",
    counterparty: { account, name: "Corner Cafe" },
    referenceId: paymentId,
    now,
  });
  expect(outcome.ok).toBe(true);
  return paymentId;
}

async function differencesOf(walletId: string) {
  const res = await api("/admin/reconciliation", { token: (await signupAdmin()).token });
  expect(res.status).toBe(200);
  return (res.body.differences as { kind: string; wallet_id: string; reference_id: string | null; message: string }[]).filter(
    (d) => d.wallet_id === walletId,
  );
}

describe("reconciliation checks the counterparty of every saga entry", () => {
  it("accepts a payment whose PAYMENT_OUT names merchants", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    await settledPayment(user, walletId, "merchants");
    expect(await differencesOf(walletId)).toEqual([]);
  });

  it("reports a payment whose PAYMENT_OUT names another account", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const paymentId = await settledPayment(user, walletId, "funding");
    expect(await differencesOf(walletId)).toEqual([
      {
        kind: "COUNTERPARTY",
        wallet_id: walletId,
        reference_id: paymentId,
        message: "PAYMENT_OUT entries name funding, expected merchants",
      },
    ]);
  });
});
