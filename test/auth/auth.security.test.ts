import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LoginLimiter } from "../../durable-objects/login-limiter";
import { api, createWallet, expectEnvelope, signup, TEST_PASSWORD, type TestUser, uniqueEmail } from "../helpers/api";
import { callWithEnv, claimsOf, codeAt, enableTwoFactor, loginAs, signTestToken, signupWithCookie } from "./auth-factories";

const EVIL = "https://evil.example";
/** A body-less cross-site form-style request: what a page on another site can send with the cookie. */
const crossSite = (cookie: string, origin = EVIL) => ({ cookie, origin, "content-type": "text/plain" });

async function pendingLoan(user: TestUser) {
  const walletId = await createWallet(user);
  const res = await api("/loan", { token: user.token, body: { wallet_id: walletId, amount: "100.00", loan_term_months: 6 } });
  expect(res.status).toBe(201);
  return res.body.loan.loan_id as string;
}

async function goal(user: TestUser) {
  const walletId = await createWallet(user, 5_000);
  const res = await api("/savings-goal", { token: user.token, body: { wallet_id: walletId, goal_name: "Trip", target_amount: "10.00" } });
  expect(res.status).toBe(201);
  const goalId: string = res.body.goal.goal_id;
  expect((await api(`/savings-goal/${goalId}/add`, { token: user.token, body: { amount: "10.00" } })).status).toBe(200);
  return goalId;
}

describe("roles live in D1", () => {
  it("ADMIN_EMAILS makes an admin only in local development", async () => {
    for (const ENVIRONMENT of ["production", "staging"] as const) {
      const res = await callWithEnv({ ENVIRONMENT, ADMIN_EMAILS: "admin@example.com" }, "/auth/signup", {
        body: { email: `Admin@Example.com`, password: TEST_PASSWORD },
      });
      expect(res.status).toBe(201);
      expect(res.body.user.role).toBe("customer");
      await env.DB.prepare("DELETE FROM users WHERE email = 'admin@example.com'").run();
    }
    const local = await callWithEnv({ ENVIRONMENT: "local" }, "/auth/signup", {
      body: { email: "Admin@Example.com", password: TEST_PASSWORD },
    });
    expect(local.body.user.role).toBe("admin");
    const row = await env.DB.prepare("SELECT role FROM users WHERE email = 'admin@example.com'").first<{ role: string }>();
    expect(row?.role).toBe("admin");
  });

  it("a grant or revoke in D1 takes effect on the existing token within 5 s", async () => {
    const user = await signup();
    const reconciliation = () => api("/admin/reconciliation", { token: user.token });
    expectEnvelope(await reconciliation(), 403, "FORBIDDEN");
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE user_id = ?").bind(user.user_id).run();
    await expect.poll(async () => (await reconciliation()).status, { timeout: 5_000, interval: 250 }).toBe(200);
    await env.DB.prepare("UPDATE users SET role = 'customer' WHERE user_id = ?").bind(user.user_id).run();
    await expect.poll(async () => (await reconciliation()).status, { timeout: 5_000, interval: 250 }).toBe(403);
  });

  it("a role claim in a token grants nothing", async () => {
    const user = await signup();
    const { sub, sid, iat, exp } = claimsOf(user.token);
    const forged = await signTestToken({ sub, sid, iat, exp, role: "admin" });
    expectEnvelope(await api("/admin/reconciliation", { token: forged }), 403, "FORBIDDEN");
  });

  it("admin routes need two-factor sign-in outside local development", async () => {
    const admin = await signup();
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE user_id = ?").bind(admin.user_id).run();
    expect((await callWithEnv({ ENVIRONMENT: "local" }, "/admin/reconciliation", { token: admin.token })).status).toBe(200);
    for (const ENVIRONMENT of ["production", "staging"] as const) {
      const refused = await callWithEnv({ ENVIRONMENT }, "/admin/reconciliation", { token: admin.token });
      expectEnvelope(refused, 403, "FORBIDDEN");
      expect(refused.body.error.message).toMatch(/two-factor/i);
    }
    await enableTwoFactor(admin);
    await expect
      .poll(async () => (await callWithEnv({ ENVIRONMENT: "production" }, "/admin/reconciliation", { token: admin.token })).status, {
        timeout: 5_000,
      })
      .toBe(200);
  });
});

describe("cookie requests from other origins (CSRF)", () => {
  it("refuses a cross-site body-less loan approval with an admin cookie, and changes nothing", async () => {
    const admin = await signupWithCookie();
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE user_id = ?").bind(admin.user_id).run();
    const customer = await signup();
    const loanId = await pendingLoan(customer);
    const approve = (headers: Record<string, string>) => api(`/loan/${loanId}/approve`, { method: "POST", rawBody: "", headers });
    expectEnvelope(await approve(crossSite(admin.cookie)), 403, "FORBIDDEN");
    expectEnvelope(await approve(crossSite(admin.cookie, "null")), 403, "FORBIDDEN");
    expectEnvelope(await approve({ cookie: admin.cookie, "sec-fetch-site": "same-site" }), 403, "FORBIDDEN");
    expect((await api(`/loan/${loanId}`, { token: customer.token })).body.loan.status).toBe("PENDING");
    // The API's own origin passes (a body-less POST with a non-JSON content type is a 415 for everyone).
    expectEnvelope(await approve({ cookie: admin.cookie, origin: "http://localhost", "content-type": "text/plain" }), 415);
    const approved = await api(`/loan/${loanId}/approve`, {
      method: "POST",
      headers: { cookie: admin.cookie, origin: "http://localhost" },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.loan.status).toBe("APPROVED");
  });

  it("refuses cross-site goal redeem and delete; listed origins and same-origin fetches pass", async () => {
    const user = await signupWithCookie();
    const goalId = await goal(user);
    expectEnvelope(
      await api(`/savings-goal/${goalId}/redeem`, { method: "POST", rawBody: "", headers: crossSite(user.cookie) }),
      403,
      "FORBIDDEN",
    );
    expectEnvelope(await api(`/savings-goal/${goalId}`, { method: "DELETE", headers: crossSite(user.cookie) }), 403, "FORBIDDEN");
    const unchanged = await api(`/savings-goal/${goalId}`, { token: user.token });
    expect(unchanged.body.goal).toMatchObject({ status: "ACTIVE", current_amount: "10.00" });

    // The UI's dev origin (listed in CORS_ORIGINS) and a same-origin fetch without Origin pass.
    const redeemed = await api(`/savings-goal/${goalId}/redeem`, {
      method: "POST",
      headers: { cookie: user.cookie, origin: "http://localhost:5173" },
    });
    expect(redeemed.status).toBe(200);
    const goal2 = await goal(user);
    const deleted = await api(`/savings-goal/${goal2}`, {
      method: "DELETE",
      headers: { cookie: user.cookie, "sec-fetch-site": "same-origin" },
    });
    expect(deleted.status).toBe(200);
  });

  it("refuses a cross-site logout; a request without Origin or Sec-Fetch-Site is judged by its cookie alone", async () => {
    const user = await signupWithCookie();
    expectEnvelope(await api("/auth/logout", { method: "POST", rawBody: "", headers: crossSite(user.cookie) }), 403, "FORBIDDEN");
    expect((await api("/auth/me", { headers: { cookie: user.cookie } })).status).toBe(200);
    expect((await api("/auth/logout", { method: "POST", headers: { cookie: user.cookie } })).status).toBe(204);
    expectEnvelope(await api("/auth/me", { headers: { cookie: user.cookie } }), 401, "UNAUTHENTICATED");
  });

  it("leaves bearer-token requests alone, whatever their Origin", async () => {
    const user = await signup();
    const goalId = await goal(user);
    const res = await api(`/savings-goal/${goalId}/redeem`, { method: "POST", token: user.token, headers: { origin: EVIL } });
    expect(res.status).toBe(200);
  });
});

describe("login limits", () => {
  it("an attempt refused for its IP never counts against the email", async () => {
    const victim = await signup();
    const attackerIp = { "cf-connecting-ip": "203.0.113.9" };
    // Use up the attacker IP's 50 attempts on other emails.
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          api("/auth/login", { body: { email: uniqueEmail(), password: "wrong-password" }, headers: attackerIp }),
        ),
      );
    }
    for (let i = 0; i < 10; i++) {
      const res = await api("/auth/login", { body: { email: victim.email, password: "wrong-password" }, headers: attackerIp });
      expectEnvelope(res, 429, "RATE_LIMITED");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // The victim, from elsewhere, signs in at once.
    expect((await loginAs(victim.email, {}, { "cf-connecting-ip": "198.51.100.7" })).status).toBe(200);
  });

  it("after 5 failures per email, each further attempt waits a growing delay", async () => {
    const user = await signup();
    const limiter = env.LOGIN_LIMITER.get(env.LOGIN_LIMITER.idFromName(`email:${user.email}`));
    await runInDurableObject(limiter, (instance: LoginLimiter) => {
      const t0 = 1_000_000_000_000;
      for (let i = 0; i < 5; i++) expect(instance.attemptWithBackoff(5, 900_000, 900_000, t0 + i).allowed).toBe(true);
      expect(instance.attemptWithBackoff(5, 900_000, 900_000, t0 + 1_000)).toEqual({ allowed: false, retryAfterSeconds: 2 });
      expect(instance.attemptWithBackoff(5, 900_000, 900_000, t0 + 4 + 2_000).allowed).toBe(true);
      // Now 6 counted: the next waits 4 s after the last.
      expect(instance.attemptWithBackoff(5, 900_000, 900_000, t0 + 4 + 2_000 + 3_000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
      expect(instance.attemptWithBackoff(5, 900_000, 900_000, t0 + 4 + 2_000 + 4_000).allowed).toBe(true);
      instance.succeeded(0, true);
    });
  });

  it("keeps working on attempts stored by the previous (fixed window) limiter", async () => {
    const limiter = env.LOGIN_LIMITER.get(env.LOGIN_LIMITER.idFromName(`email:${uniqueEmail()}`));
    await runInDurableObject(limiter, (instance: LoginLimiter) => {
      const now = Date.now();
      for (let i = 0; i < 5; i++) expect(instance.attempt(5, 900_000, now).allowed).toBe(true);
      expect(instance.attemptWithBackoff(5, 900_000, 900_000, now + 10).allowed).toBe(false);
    });
  });

  it("a wrong two-factor code counts as a failed attempt; a missing one does not", async () => {
    const user = await signup();
    const secret = await enableTwoFactor(user);
    for (let i = 0; i < 6; i++) expectEnvelope(await loginAs(user.email), 401, "OTP_REQUIRED");
    const wrong = String((Number(codeAt(secret)) + 1) % 1_000_000).padStart(6, "0");
    const answers = await Promise.all(Array.from({ length: 7 }, () => loginAs(user.email, { otp: wrong })));
    expect(answers.filter((r) => r.status === 401)).toHaveLength(5);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(2);
  });
});
