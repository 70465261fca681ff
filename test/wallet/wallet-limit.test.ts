import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";

const d1Count = async (userId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM wallets WHERE user_id = ?").bind(userId).first<{ n: number }>())?.n;

describe("wallets per user", () => {
  it("allows 10, answers 422 WALLET_LIMIT to the 11th, and GET /v1/wallet lists all 10", async () => {
    const user = await signup();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await createWallet(user));
    expectEnvelope(await api("/wallet", { token: user.token, body: {} }), 422, "WALLET_LIMIT");
    const list = await api("/wallet", { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body.wallets.map((w: { wallet_id: string }) => w.wallet_id).sort()).toEqual([...ids].sort());
    expect(await d1Count(user.user_id)).toBe(10);
    // Another user is not affected.
    await createWallet(await signup());
  });

  it("concurrent creates cannot make an 11th", async () => {
    const user = await signup();
    const results = await Promise.all(Array.from({ length: 16 }, () => api("/wallet", { token: user.token, body: {} })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    for (const res of results.filter((r) => r.status !== 201)) expectEnvelope(res, 422, "WALLET_LIMIT");
    expect(await d1Count(user.user_id)).toBe(10);
    expect((await api("/wallet", { token: user.token })).body.wallets).toHaveLength(10);
  });

  it("a retry of a wallet that was created (same Idempotency-Key) is not an 11th", async () => {
    const user = await signup();
    const first = await api("/wallet", { token: user.token, headers: { "idempotency-key": "w-1" }, body: {} });
    expect(first.status).toBe(201);
    for (let i = 0; i < 9; i++) await createWallet(user);
    const retry = await api("/wallet", { token: user.token, headers: { "idempotency-key": "w-1" }, body: {} });
    expect(retry.status).toBe(201);
    expect(retry.body.wallet.wallet_id).toBe(first.body.wallet.wallet_id);
    expectEnvelope(await api("/wallet", { token: user.token, headers: { "idempotency-key": "w-11" }, body: {} }), 422, "WALLET_LIMIT");
  });
});
