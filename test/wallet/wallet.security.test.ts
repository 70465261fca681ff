import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WalletLedger } from "../../durable-objects/wallet-ledger";
import { api, createWallet, expectEnvelope, signup } from "../helpers/api";
import { connectLive, ledger, tablesOf, walletRoutes } from "../helpers/wallet";

describe("wallet ownership (BOLA)", () => {
  it("user B gets 404 on every route of user A's wallet, and A's money does not move", async () => {
    const a = await signup();
    const b = await signup();
    const walletA = await createWallet(a, 10_000);
    const attempts = [
      ...walletRoutes(walletA, b.token),
      api(`/wallet/${walletA}/debit`, { token: b.token, headers: { "idempotency-key": "x" }, body: { amount: "1.00" } }),
    ];
    for (const res of await Promise.all(attempts)) expectEnvelope(res, 404, "NOT_FOUND");
    const list = await api("/wallet", { token: b.token });
    expect(list.body.wallets).toEqual([]);
    const mine = await api(`/wallet/${walletA}`, { token: a.token });
    expect(mine.body.wallet.balance).toBe("100.00");
    expect((await api(`/wallet/${walletA}/transactions`, { token: a.token })).body.transactions).toHaveLength(1);
  });

  it("every wallet route needs a valid token", async () => {
    const a = await signup();
    const walletA = await createWallet(a);
    for (const token of [undefined, "garbage", `${a.token}x`]) {
      for (const res of [
        await api("/wallet", { token }),
        await api(`/wallet/${walletA}`, { token }),
        await api(`/wallet/${walletA}/credit`, { token, body: { amount: "1" } }),
      ]) {
        expectEnvelope(res, 401, "UNAUTHENTICATED");
      }
    }
  });

  it("a token signed with another algorithm or secret is refused", async () => {
    const { sign } = await import("hono/jwt");
    const a = await signup();
    const now = Math.floor(Date.now() / 1000);
    const forged = await sign({ sub: a.user_id, email: a.email, role: "admin", exp: now + 60 }, "not-the-secret", "HS256");
    expectEnvelope(await api("/wallet", { token: forged }), 401, "UNAUTHENTICATED");
    const header = btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replaceAll("=", "");
    const payload = btoa(JSON.stringify({ sub: a.user_id, email: a.email, role: "admin", exp: now + 60 })).replaceAll("=", "");
    expectEnvelope(await api("/wallet", { token: `${header}.${payload}.` }), 401, "UNAUTHENTICATED");
  });

  it("an expired token is refused and a fresh one accepted (the HMAC key is cached per isolate, the checks are not)", async () => {
    const { sign } = await import("hono/jwt");
    const a = await signup();
    const now = Math.floor(Date.now() / 1000);
    // Every token names its session (API.md "Sessions"): the fresh one must name a live one.
    const sid = JSON.parse(atob(a.token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid;
    const claims = { sub: a.user_id, sid, email: a.email, role: "customer", iat: now - 120, nbf: now - 120 };
    const expired = await sign({ ...claims, exp: now - 60 }, env.JWT_SECRET, "HS256");
    expectEnvelope(await api("/wallet", { token: expired }), 401, "UNAUTHENTICATED");
    const fresh = await sign({ ...claims, exp: now + 60 }, env.JWT_SECRET, "HS256");
    expect((await api("/wallet", { token: fresh })).status).toBe(200);
    expectEnvelope(await api("/wallet", { token: expired }), 401, "UNAUTHENTICATED");
  });

  it("a customer gets 403 on admin-only routes", async () => {
    const a = await signup();
    expectEnvelope(await api("/admin/dead-letters", { token: a.token }), 403, "FORBIDDEN");
    expectEnvelope(await api("/admin/reconciliation", { token: a.token }), 403, "FORBIDDEN");
  });
});

describe("live wallet updates", () => {
  it("refuses another user's wallet and unauthenticated connections", async () => {
    const owner = await signup();
    const other = await signup();
    const walletId = await createWallet(owner);
    expect((await connectLive(walletId, other.token)).status).toBe(404);
    expect((await connectLive(walletId, "nope")).status).toBe(401);
  });
});

describe("wallet ids nobody opened", () => {
  it("answer 404 on every read and write route without creating the object's storage", async () => {
    const user = await signup();
    const probed = crypto.randomUUID();
    const attempts = [
      ...walletRoutes(probed, user.token),
      api(`/wallet/${probed}/credit`, { token: user.token, headers: { "idempotency-key": "probe" }, body: { amount: "1.00" } }),
      api(`/wallet/${probed}/debit`, { token: user.token, headers: { "idempotency-key": "probe-2" }, body: { amount: "1.00" } }),
    ];
    for (const res of await Promise.all(attempts)) expectEnvelope(res, 404, "NOT_FOUND");
    const live = await connectLive(probed, user.token);
    expect(live.status).toBe(404);
    await live.text();
    for (const body of [
      { wallet_id: probed, merchant: "Shop", amount: "1.00" },
      { wallet_id: probed, goal_name: "Holiday", target_amount: "10.00" },
    ]) {
      const res = await api(body.merchant ? "/payment" : "/savings-goal", { token: user.token, body });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }

    await runInDurableObject(ledger(probed), (instance: WalletLedger, state) => {
      // The object's own methods, the ones the routes and sagas call, on a never-opened object.
      expect(instance.getWallet(null)).toBeNull();
      expect(instance.listTransactions(null, { limit: 10 })).toBeNull();
      expect(instance.transferOutcome("t", user.user_id)).toBeNull();
      expect(instance.audit()).toBeNull();
      expect(instance.getPocket(null, "g")).toBeNull();
      expect(instance.sagaEntries()).toEqual([]);
      expect(instance.outboxSize()).toBe(0);
      expect(instance.abandonTransfer("t", new Date().toISOString())).toMatchObject({ ok: false, code: "ABANDONED" });
      const now = new Date().toISOString();
      expect(instance.credit({ transferId: "x", owner: user.user_id, amount: 100, type: "DEPOSIT", now })).toMatchObject({
        ok: false,
        code: "NOT_FOUND",
      });
      expect(tablesOf(state)).toEqual([]);
    });
  });
});
