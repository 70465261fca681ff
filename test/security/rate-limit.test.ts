import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { api, createWallet, expectEnvelope, signup, type TestUser } from "../helpers/api";

/** The Worker with every limit set to 3 requests a minute (a binding of vitest.config.ts), same storage. */
const lowLimits: Env = {
  ...env,
  AUTH_RATE_LIMIT: env.TEST_RATE_LIMIT_3,
  MONEY_RATE_LIMIT: env.TEST_RATE_LIMIT_3,
  OPTIMISER_RATE_LIMIT: env.TEST_RATE_LIMIT_3,
};

async function call(path: string, init: { token?: string; body?: unknown; method?: string; ip?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.ip) headers["cf-connecting-ip"] = init.ip;
  const request = new Request(`http://localhost/v1${path}`, {
    method: init.method ?? "POST",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, lowLimits, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const expectLimited = (res: Awaited<ReturnType<typeof call>>) => {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe("RATE_LIMITED");
  expect(res.headers.get("retry-after")).toBe("60");
};

describe("rate limits (API.md Conventions: Rate limits)", () => {
  // The deployed environments' bindings and limits are checked against wrangler.toml by
  // test/pages/deploy-dry-run.test.mjs ("rate limits are declared for every deployed environment").
  it("are not configured locally, so nothing is limited there: 300 credits for one user in a row all pass", async () => {
    expect(env.MONEY_RATE_LIMIT).toBeUndefined();
    expect(env.AUTH_RATE_LIMIT).toBeUndefined();
    expect(env.OPTIMISER_RATE_LIMIT).toBeUndefined();
    const user = await signup();
    const walletId = await createWallet(user);
    const results = await Promise.all(
      Array.from({ length: 300 }, () => api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "1.00" } })),
    );
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
  });

  it("limit money-moving routes per user: the 4th request of any of them is a 429 with Retry-After", async () => {
    const user = await signup();
    const other = await signup();
    const walletId = await createWallet(user, 10_000);
    // Three money moves pass (a wallet, a credit, a debit)...
    expect((await call("/wallet", { token: user.token, body: {} })).status).toBe(201);
    expect((await call(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: "1.00" } })).status).toBe(200);
    expect((await call(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "1.00" } })).status).toBe(200);
    // ...then every money route refuses this user, before doing anything.
    const id = crypto.randomUUID();
    for (const [method, path, body] of [
      ["POST", `/wallet/${walletId}/credit`, { amount: "1.00" }],
      ["POST", `/wallet/${walletId}/debit`, { amount: "1.00" }],
      ["POST", "/wallet", {}],
      ["POST", "/payment", { wallet_id: walletId, merchant: "Shop", amount: "1.00" }],
      ["POST", `/payment/${id}/capture`, {}],
      ["POST", `/payment/${id}/cancel`, undefined],
      ["POST", `/payment/${id}/refund`, {}],
      ["POST", "/transfers", { from_wallet_id: walletId, to_email: other.email, amount: "1.00" }],
      ["POST", `/loan/${id}/repay`, { amount: "1.00" }],
      ["POST", `/savings-goal/${id}/add`, { amount: "1.00" }],
      ["POST", `/savings-goal/${id}/redeem`, undefined],
      ["DELETE", `/savings-goal/${id}`, undefined],
    ] as const) {
      expectLimited(await call(path, { token: user.token, method, body }));
    }
    expect((await api(`/wallet/${walletId}`, { token: user.token })).body.wallet.balance).toBe("100.00");
    // Reads are not limited, nor is anyone else.
    expect((await call(`/wallet/${walletId}`, { token: user.token, method: "GET" })).status).toBe(200);
    expect((await call("/wallet", { token: other.token, body: {} })).status).toBe(201);
  });

  it("limit the debt optimiser per user", async () => {
    const user: TestUser = await signup();
    const body = { monthly_budget: "100", debts: [{ name: "Card", balance: "500", apr: "10", minimum_payment: "20" }] };
    for (let i = 0; i < 3; i++) expect((await call("/debt-optimiser", { token: user.token, body })).status).toBe(200);
    expectLimited(await call("/debt-optimiser", { token: user.token, body }));
  });

  it("limit signup and login per client IP", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const email = `rl-${crypto.randomUUID()}@example.com`;
    const password = "a-long-passphrase-9";
    expect((await call("/auth/signup", { ip, body: { email, password } })).status).toBe(201);
    expect((await call("/auth/login", { ip, body: { email, password } })).status).toBe(200);
    expect((await call("/auth/signup", { ip, body: { email: `x-${email}`, password } })).status).toBe(201);
    expectLimited(await call("/auth/login", { ip, body: { email, password } }));
    expectLimited(await call("/auth/signup", { ip, body: { email: `y-${email}`, password } }));
    // Another address is not affected, and the refused signup created nobody.
    expect((await call("/auth/login", { ip: "198.51.100.7", body: { email, password } })).status).toBe(200);
    expectEnvelope(await api("/auth/login", { body: { email: `y-${email}`, password } }), 401, "INVALID_CREDENTIALS");
  });
});
