import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, signup } from "../helpers/api";

describe("Idempotency-Key", () => {
  it("same key and body ×5 → one effect and identical responses", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const key = crypto.randomUUID();
    const send = () =>
      api(`/wallet/${walletId}/credit`, { token: user.token, headers: { "idempotency-key": key }, body: { amount: "25.00" } });
    const first = await send();
    expect(first.status).toBe(200);
    const repeats = await Promise.all([send(), send(), send(), send()]);
    for (const r of repeats) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual(first.body);
      expect(r.headers.get("idempotent-replayed")).toBe("true");
    }
    const history = await api(`/wallet/${walletId}/transactions`, { token: user.token });
    expect(history.body.transactions).toHaveLength(1);
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("25.00");
  });

  it("five concurrent first attempts with one key still make one effect", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const key = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        api(`/wallet/${walletId}/credit`, { token: user.token, headers: { "idempotency-key": key }, body: { amount: "10.00" } }),
      ),
    );
    for (const r of results) expect([200, 409]).toContain(r.status);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("10.00");
  });

  it("the same key with a different body or path is 422 IDEMPOTENCY_KEY_REUSED", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 10_000);
    const key = crypto.randomUUID();
    const headers = { "idempotency-key": key };
    expect((await api(`/wallet/${walletId}/credit`, { token: user.token, headers, body: { amount: "1.00" } })).status).toBe(200);
    const otherBody = await api(`/wallet/${walletId}/credit`, { token: user.token, headers, body: { amount: "2.00" } });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const otherPath = await api(`/wallet/${walletId}/debit`, { token: user.token, headers, body: { amount: "1.00" } });
    expect(otherPath.status).toBe(422);
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("101.00");
  });

  it("a key still in flight answers 409 IDEMPOTENCY_IN_PROGRESS", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const key = crypto.randomUUID();
    const path = `/wallet/${walletId}/credit`;
    const body = JSON.stringify({ amount: "5.00" });
    // Hold the key as a first request would while it runs.
    const { sha256Hex } = await import("../../workers/lib/ids");
    const store = env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(user.user_id));
    expect(await store.begin(key, await sha256Hex(`POST /v1${path}\n${body}`))).toEqual({ state: "new" });
    const res = await api(path, {
      token: user.token,
      headers: { "idempotency-key": key, "content-type": "application/json" },
      rawBody: body,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
  });

  it("user B reusing user A's key is independent", async () => {
    const a = await signup();
    const b = await signup();
    const walletA = await createWallet(a);
    const walletB = await createWallet(b);
    const key = "shared-key-123";
    const ra = await api(`/wallet/${walletA}/credit`, { token: a.token, headers: { "idempotency-key": key }, body: { amount: "3.00" } });
    const rb = await api(`/wallet/${walletB}/credit`, { token: b.token, headers: { "idempotency-key": key }, body: { amount: "3.00" } });
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(rb.body.transaction.transaction_id).not.toBe(ra.body.transaction.transaction_id);
    expect((await api(`/wallet/${walletB}`, { token: b.token })).body.wallet.balance).toBe("3.00");
  });

  it("a refused debit is replayed as the same 409, even after a top-up", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 100);
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await api(`/wallet/${walletId}/debit`, { token: user.token, headers, body: { amount: "5.00" } });
    expect(first.status).toBe(409);
    await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "50.00" } });
    const again = await api(`/wallet/${walletId}/debit`, { token: user.token, headers, body: { amount: "5.00" } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
  });

  it("a request rejected for bad input does not burn the key", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const headers = { "idempotency-key": crypto.randomUUID() };
    expect((await api(`/wallet/${walletId}/credit`, { token: user.token, headers, body: { amount: "-1" } })).status).toBe(400);
    // A different body with the same key is fine: the rejected request left no record.
    expect((await api(`/wallet/${walletId}/credit`, { token: user.token, headers, body: { amount: "1.00" } })).status).toBe(200);
  });

  it("rejects keys longer than 255 characters", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const res = await api(`/wallet/${walletId}/credit`, {
      token: user.token,
      headers: { "idempotency-key": "k".repeat(256) },
      body: { amount: "1" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
  });
});
