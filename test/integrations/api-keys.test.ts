import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hashApiKey } from "../../workers/lib/api-keys";
import { api, BASE, signupAdmin } from "../helpers/api";
import { userWithWallet } from "../helpers/wallet";

const createKey = async (token: string, scopes: string[], name = "server") => {
  const res = await api("/api-keys", { token, body: { name, scopes } });
  expect(res.status).toBe(201);
  return res.body as { api_key: { api_key_id: string; prefix: string; scopes: string[] }; secret: string };
};

describe("API keys", () => {
  it("are shown once, stored only as a hash, and act as their user", async () => {
    const { user, walletId } = await userWithWallet(1_000);
    const { api_key, secret } = await createKey(user.token, ["read"]);
    expect(secret).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(api_key.prefix)).toBe(true);
    const listed = await api("/api-keys", { token: user.token });
    expect(listed.body.api_keys).toEqual([expect.objectContaining({ api_key_id: api_key.api_key_id, scopes: ["read"], revoked_at: null })]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const stored = await env.DB.prepare("SELECT * FROM api_keys WHERE api_key_id = ?")
      .bind(api_key.api_key_id)
      .first<Record<string, unknown>>();
    expect(Object.values(stored ?? {})).not.toContain(secret);
    expect(stored?.secret_hash).toBe(await hashApiKey(secret));
    const wallet = await api(`/wallet/${walletId}`, { token: secret });
    expect(wallet.status).toBe(200);
    expect(wallet.body.wallet.balance).toBe("10.00");
  });

  it("are limited to their scopes: anything else is a 403 FORBIDDEN", async () => {
    const { user, walletId } = await userWithWallet(1_000);
    const { secret: readOnly } = await createKey(user.token, ["read"]);
    const { secret: payer } = await createKey(user.token, ["payments"]);
    const pay = { wallet_id: walletId, merchant: "Shop", amount: "1.00" };
    const refusedPay = await api("/payment", { token: readOnly, body: pay });
    expect(refusedPay.status).toBe(403);
    expect(refusedPay.body.error.code).toBe("FORBIDDEN");
    expect((await api("/payment", { token: payer, body: pay })).status).toBe(202);
    // payments alone reads payments, not wallets; and moves no other money.
    expect((await api(`/payment/by-wallet/${walletId}`, { token: payer })).status).toBe(200);
    expect((await api(`/wallet/${walletId}`, { token: payer })).status).toBe(403);
    expect((await api(`/wallet/${walletId}/debit`, { token: payer, body: { amount: "1.00" } })).status).toBe(403);
    expect(
      (await api("/transfers", { token: payer, body: { from_wallet_id: walletId, to_wallet_id: walletId, amount: "1.00" } })).status,
    ).toBe(403);
    expect(
      (await api("/webhooks", { token: readOnly, body: { url: "https://hooks.example.com/", events: ["payment.succeeded"] } })).status,
    ).toBe(403);
    // A key never manages keys or sessions.
    const { secret: everything } = await createKey(user.token, ["read", "payments", "transfers", "wallets", "loans", "webhooks"]);
    expect((await api("/api-keys", { token: everything, body: { name: "x", scopes: ["read"] } })).status).toBe(403);
    expect((await api("/api-keys", { token: everything })).status).toBe(403);
    expect((await api("/auth/sessions", { token: everything })).status).toBe(403);
    expect((await api("/auth/logout", { token: everything, method: "POST" })).status).toBe(403);
    expect((await api("/auth/me", { token: everything })).status).toBe(200);
  });

  it("never reach admin routes, even an admin's key with every scope", async () => {
    const admin = await signupAdmin();
    expect((await api("/admin/dead-letters", { token: admin.token })).status).toBe(200);
    const { secret } = await createKey(admin.token, ["read", "payments", "transfers", "wallets", "loans", "webhooks"]);
    const res = await api("/admin/dead-letters", { token: secret });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
  });

  it("a revoked key is refused at once, on the very next request", async () => {
    const { user, walletId } = await userWithWallet(0);
    const { api_key, secret } = await createKey(user.token, ["read"]);
    expect((await api(`/wallet/${walletId}`, { token: secret })).status).toBe(200);
    expect((await api(`/api-keys/${api_key.api_key_id}`, { token: user.token, method: "DELETE" })).status).toBe(204);
    const refused = await api(`/wallet/${walletId}`, { token: secret });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("UNAUTHENTICATED");
    expect((await api(`/api-keys/${api_key.api_key_id}`, { token: user.token, method: "DELETE" })).status).toBe(404);
  });

  it("an unknown sk_ token and another user's key id are refused", async () => {
    const { user } = await userWithWallet(0);
    const { user: other } = await userWithWallet(0);
    const { api_key } = await createKey(user.token, ["read"]);
    expect((await api("/auth/me", { token: "sk_not-a-key" })).status).toBe(401);
    expect((await api(`/api-keys/${api_key.api_key_id}`, { token: other.token, method: "DELETE" })).status).toBe(404);
    expect((await api("/api-keys", { token: user.token, body: { name: "x", scopes: ["admin"] } })).status).toBe(400);
  });
});

describe("the user live feed", () => {
  it("pushes a payment's event and notification to the user's socket, and another user's socket gets nothing", async () => {
    const { user, walletId } = await userWithWallet(1_000);
    const { user: other } = await userWithWallet(0);
    const open = async (token: string) => {
      const res = await SELF.fetch(`${BASE}/live`, { headers: { upgrade: "websocket", authorization: `Bearer ${token}` } });
      expect(res.status).toBe(101);
      const ws = res.webSocket!;
      const messages: { type: string; event?: { type: string; data: { transaction_id?: string } } }[] = [];
      ws.addEventListener("message", (m) => messages.push(JSON.parse(String(m.data))));
      ws.accept();
      return { ws, messages };
    };
    const mine = await open(user.token);
    const theirs = await open(other.token);
    const paid = await api("/payment", { token: user.token, body: { wallet_id: walletId, merchant: "Shop", amount: "2.00" } });
    await expect.poll(() => mine.messages.map((m) => m.type), { timeout: 5000 }).toEqual(["hello", "event", "notification"]);
    expect(mine.messages[1]?.event).toMatchObject({
      type: "payment.succeeded",
      data: { transaction_id: paid.body.payment.transaction_id },
    });
    expect(theirs.messages.map((m) => m.type)).toEqual(["hello"]);
    mine.ws.close(1000, "done");
    theirs.ws.close(1000, "done");
  });

  it("needs authentication and an allowed Origin for a cookie upgrade", async () => {
    const { user } = await userWithWallet(0);
    expect((await SELF.fetch(`${BASE}/live`, { headers: { upgrade: "websocket" } })).status).toBe(401);
    const crossSite = await SELF.fetch(`${BASE}/live`, {
      headers: { upgrade: "websocket", cookie: `session=${user.token}`, origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect((await api("/live", { token: user.token })).status).toBe(400);
  });

  it("closes the socket when its session is revoked", async () => {
    const { user } = await userWithWallet(0);
    const res = await SELF.fetch(`${BASE}/live`, { headers: { upgrade: "websocket", authorization: `Bearer ${user.token}` } });
    const ws = res.webSocket!;
    let closed: number | null = null;
    ws.addEventListener("close", (e) => {
      closed = e.code;
    });
    ws.accept();
    expect((await api("/auth/logout", { token: user.token, method: "POST" })).status).toBe(204);
    await expect.poll(() => closed, { timeout: 5000 }).toBe(4001);
  });
});
