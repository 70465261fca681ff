import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { transferIdFor } from "../../workers/lib/idempotency";
import { api, createWallet, expectEnvelope, signup, type TestUser } from "../helpers/api";

/** The Worker with some vars changed (same storage), called through its real fetch handler. */
async function callWith(vars: Record<string, string>, path: string, init: { token: string; body: unknown; key?: string }) {
  const headers: Record<string, string> = { "content-type": "application/json", authorization: `Bearer ${init.token}` };
  if (init.key) headers["idempotency-key"] = init.key;
  const request = new Request(`http://localhost/v1${path}`, { method: "POST", headers, body: JSON.stringify(init.body) });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...vars } as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const limited = (limit: string) => ({ SANDBOX_DAILY_DEPOSIT_LIMIT: limit });

const balance = async (user: TestUser, walletId: string) =>
  (await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance as string;

const depositedToday = async (userId: string) =>
  (
    await env.DB.prepare("SELECT cents FROM deposit_days WHERE user_id = ? AND day = ?")
      .bind(userId, new Date().toISOString().slice(0, 10))
      .first<{ cents: number }>()
  )?.cents ?? 0;

describe("sandbox deposits (POST /v1/wallet/{id}/credit)", () => {
  it("are on locally: a credit is a DEPOSIT, with no daily limit by default", async () => {
    expect(env.SANDBOX_DEPOSITS).toBe("true");
    expect(env.SANDBOX_DAILY_DEPOSIT_LIMIT).toBe("0");
    const user = await signup();
    const walletId = await createWallet(user);
    const res = await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "1000000.00" } });
    expect(res.status).toBe(200);
    expect(res.body.transaction).toMatchObject({ type: "DEPOSIT", direction: "CREDIT", amount: "1000000.00" });
    expect((await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "1000000.00" } })).status).toBe(200);
  });

  it("where SANDBOX_DEPOSITS is not true, a credit is a 403 DEPOSITS_DISABLED and moves nothing (debits still work)", async () => {
    const user = await signup();
    const walletId = await createWallet(user, 5_000);
    const off = { SANDBOX_DEPOSITS: "false" };
    const refused = await callWith(off, `/wallet/${walletId}/credit`, { token: user.token, body: { amount: "10.00" } });
    expectEnvelope({ status: refused.status, body: refused.body, headers: refused.headers }, 403, "DEPOSITS_DISABLED");
    const keyed = await callWith(off, `/wallet/${walletId}/credit`, { token: user.token, body: { amount: "10.00" }, key: "k-off" });
    expect(keyed.status).toBe(403);
    expect(await balance(user, walletId)).toBe("50.00");
    expect((await callWith(off, `/wallet/${walletId}/debit`, { token: user.token, body: { amount: "1.00" } })).status).toBe(200);
    expect(await balance(user, walletId)).toBe("49.00");
  });

  it("the daily limit counts every wallet of the user; a deposit past it is a 422 DEPOSIT_LIMIT_EXCEEDED", async () => {
    const user = await signup();
    const a = await createWallet(user);
    const b = await createWallet(user);
    const vars = limited("100.00");
    expect((await callWith(vars, `/wallet/${a}/credit`, { token: user.token, body: { amount: "60.00" } })).status).toBe(200);
    const over = await callWith(vars, `/wallet/${b}/credit`, { token: user.token, body: { amount: "40.01" } });
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe("DEPOSIT_LIMIT_EXCEEDED");
    expect((await callWith(vars, `/wallet/${b}/credit`, { token: user.token, body: { amount: "40.00" } })).status).toBe(200);
    expect((await callWith(vars, `/wallet/${b}/credit`, { token: user.token, body: { amount: "0.01" } })).status).toBe(422);
    expect([await balance(user, a), await balance(user, b)]).toEqual(["60.00", "40.00"]);
    expect(await depositedToday(user.user_id)).toBe(10_000);
    // Another user has their own allowance.
    const other = await signup();
    const c = await createWallet(other);
    expect((await callWith(vars, `/wallet/${c}/credit`, { token: other.token, body: { amount: "100.00" } })).status).toBe(200);
  });

  it("20 concurrent deposits never take a day past the limit", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const vars = limited("50.00");
    const results = await Promise.all(
      Array.from({ length: 20 }, () => callWith(vars, `/wallet/${walletId}/credit`, { token: user.token, body: { amount: "7.00" } })),
    );
    const passed = results.filter((r) => r.status === 200).length;
    expect(passed).toBe(7); // 7 × 7.00 = 49.00 ≤ 50.00 < 8 × 7.00
    expect(results.filter((r) => r.status === 422).every((r) => r.body.error.code === "DEPOSIT_LIMIT_EXCEEDED")).toBe(true);
    expect(results.filter((r) => r.status !== 200 && r.status !== 422)).toEqual([]);
    expect(await balance(user, walletId)).toBe("49.00");
    expect(await depositedToday(user.user_id)).toBe(4_900);
  });

  it("an Idempotency-Key replay is not counted twice, and a refused deposit gives its reservation back", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    const vars = limited("10.00");
    const first = await callWith(vars, `/wallet/${walletId}/credit`, { token: user.token, body: { amount: "6.00" }, key: "dep-1" });
    expect(first.status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const again = await callWith(vars, `/wallet/${walletId}/credit`, { token: user.token, body: { amount: "6.00" }, key: "dep-1" });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    }
    expect(await depositedToday(user.user_id)).toBe(600);
    // A deposit to a wallet that is not the user's moves nothing and counts nothing.
    const stranger = await signup();
    const foreign = await createWallet(stranger);
    expect((await callWith(vars, `/wallet/${foreign}/credit`, { token: user.token, body: { amount: "4.00" } })).status).toBe(404);
    expect(await depositedToday(user.user_id)).toBe(600);
    // So the rest of the day's allowance is still there.
    expect((await callWith(vars, `/wallet/${walletId}/credit`, { token: user.token, body: { amount: "4.00" } })).status).toBe(200);
    expect(await balance(user, walletId)).toBe("10.00");
  });

  it("a retried request whose deposit had already run (e.g. its reply was lost) counts nothing again", async () => {
    const user = await signup();
    const walletId = await createWallet(user);
    // The first attempt reached the ledger, then its reply (and the stored key) was lost.
    const transferId = transferIdFor(user.user_id, "dep-lost", `credit:${walletId}`);
    const ran = await env.WALLET_LEDGER.get(env.WALLET_LEDGER.idFromName(walletId)).credit({
      transferId,
      owner: user.user_id,
      amount: 300,
      type: "DEPOSIT",
      now: new Date().toISOString(),
    });
    expect(ran.ok).toBe(true);
    const retry = await callWith(limited("10.00"), `/wallet/${walletId}/credit`, {
      token: user.token,
      body: { amount: "3.00" },
      key: "dep-lost",
    });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await depositedToday(user.user_id)).toBe(0);
    expect(await balance(user, walletId)).toBe("3.00");
  });

  it("documents its refusals on the route", async () => {
    const doc = (await api("/openapi.json")).body;
    const responses = doc.paths["/wallet/{wallet_id}/credit"].post.responses;
    expect(JSON.stringify(responses["403"])).toContain("DEPOSITS_DISABLED");
    expect(JSON.stringify(responses["422"])).toContain("DEPOSIT_LIMIT_EXCEEDED");
  });
});
