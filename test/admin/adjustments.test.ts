import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup, signupAdmin, type TestUser } from "../helpers/api";

const adjust = (token: string, walletId: string, body: unknown, key?: string) =>
  api(`/admin/wallets/${walletId}/adjustments`, { token, body, headers: key ? { "idempotency-key": key } : {} });

const balance = async (user: TestUser, walletId: string) =>
  (await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance as string;

const auditRows = async (target: string) =>
  (
    await env.DB.prepare("SELECT * FROM admin_audit_log WHERE target = ? ORDER BY seq").bind(target).all<{
      admin_user_id: string;
      action: string;
      details: string;
    }>()
  ).results;

describe("POST /v1/admin/wallets/{wallet_id}/adjustments", () => {
  it("credits and debits any customer's wallet as an ADJUSTMENT with the reason, 201, and logs each", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user, 1_000);
    const credit = await adjust(admin.token, walletId, { direction: "CREDIT", amount: "25.00", reason: "Goodwill credit" });
    expect(credit.status).toBe(201);
    expect(credit.body.wallet).toMatchObject({ wallet_id: walletId, balance: "35.00" });
    expect(credit.body.transaction).toMatchObject({
      type: "ADJUSTMENT",
      direction: "CREDIT",
      amount: "25.00",
      balance_after: "35.00",
      description: "Goodwill credit",
    });
    const debit = await adjust(admin.token, walletId, { direction: "DEBIT", amount: "5.50", reason: "Duplicate deposit reversed" });
    expect(debit.status).toBe(201);
    expect(debit.body.transaction).toMatchObject({ type: "ADJUSTMENT", direction: "DEBIT", amount: "5.50", balance_after: "29.50" });
    expect(await balance(user, walletId)).toBe("29.50");
    // The customer sees them in their history.
    const history = await api(`/wallet/${walletId}/transactions?type=ADJUSTMENT`, { token: user.token });
    expect(history.body.transactions.map((t: { amount: string }) => t.amount)).toEqual(["5.50", "25.00"]);

    const rows = await auditRows(`wallet:${walletId}`);
    expect(rows.map((r) => [r.admin_user_id, r.action])).toEqual([
      [admin.user_id, "wallet.adjust"],
      [admin.user_id, "wallet.adjust"],
    ]);
    expect(JSON.parse(rows[0]!.details)).toEqual({
      direction: "CREDIT",
      amount: "25.00",
      reason: "Goodwill credit",
      transaction_id: credit.body.transaction.transaction_id,
    });
  });

  it("a DEBIT that would overdraw is a 409 INSUFFICIENT_FUNDS, moves nothing and logs nothing", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user, 1_000);
    expectEnvelope(
      await adjust(admin.token, walletId, { direction: "DEBIT", amount: "10.01", reason: "Too much" }),
      409,
      "INSUFFICIENT_FUNDS",
    );
    expect(await balance(user, walletId)).toBe("10.00");
    expect(await auditRows(`wallet:${walletId}`)).toEqual([]);
  });

  it("an unknown or malformed wallet is a 404", async () => {
    const admin = await signupAdmin();
    expectEnvelope(await adjust(admin.token, crypto.randomUUID(), { direction: "CREDIT", amount: "1.00", reason: "x" }), 404, "NOT_FOUND");
    expectEnvelope(await adjust(admin.token, "nope", { direction: "CREDIT", amount: "1.00", reason: "x" }), 404, "NOT_FOUND");
  });

  it("is admin only: a customer gets 403 (even on their own wallet) and no token gets 401", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    expectEnvelope(await adjust(user.token, walletId, { direction: "CREDIT", amount: "1000.00", reason: "Free money" }), 403, "FORBIDDEN");
    expectEnvelope(
      await api(`/admin/wallets/${walletId}/adjustments`, { body: { direction: "CREDIT", amount: "1.00", reason: "x" } }),
      401,
    );
    expect(await balance(user, walletId)).toBe("0.00");
  });

  it("validates its body strictly", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user);
    for (const body of [
      { direction: "SIDEWAYS", amount: "1.00", reason: "x" },
      { direction: "CREDIT", amount: "0", reason: "x" },
      { direction: "CREDIT", amount: "1.00" },
      { direction: "CREDIT", amount: "1.00", reason: "x", extra: 1 },
      { direction: "CREDIT", amount: "1.00", reason: "\u202Ereversed" },
    ]) {
      expectEnvelope(await adjust(admin.token, walletId, body), 400, "VALIDATION_ERROR");
    }
    expect(await balance(user, walletId)).toBe("0.00");
  });

  it("an Idempotency-Key makes it safe to retry: same first response, one movement, one audit entry", async () => {
    const admin = await signupAdmin();
    const user = await signup();
    const walletId = await createWallet(user);
    const body = { direction: "CREDIT", amount: "12.00", reason: "Chargeback won" };
    const first = await adjust(admin.token, walletId, body, "adj-1");
    const again = await adjust(admin.token, walletId, body, "adj-1");
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expectEnvelope(await adjust(admin.token, walletId, { ...body, amount: "13.00" }, "adj-1"), 422, "IDEMPOTENCY_KEY_REUSED");
    expect(await balance(user, walletId)).toBe("12.00");
    expect(await auditRows(`wallet:${walletId}`)).toHaveLength(1);
  });
});
