import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createWallet, expectEnvelope, signup, TEST_PASSWORD, uniqueEmail } from "../helpers/api";
import { awayFromStepEdge, claimsOf, codeAt, enableTwoFactor, loginAs, signupWithCookie } from "./auth-factories";

describe("sessions", () => {
  it("every token names a session (sid) and expires (exp), and carries no role", async () => {
    const user = await signup();
    const claims = claimsOf(user.token);
    expect(typeof claims.sid).toBe("string");
    expect(typeof claims.exp).toBe("number");
    expect(claims.role).toBeUndefined();
    const row = await env.DB.prepare("SELECT user_id, revoked_at, user_agent FROM sessions WHERE session_id = ?").bind(claims.sid).first();
    expect(row).toMatchObject({ user_id: user.user_id, revoked_at: null });
  });

  it("lists the user's active sessions with the current one flagged", async () => {
    const email = uniqueEmail();
    const first = await signup(email);
    const second = await loginAs(email, {}, { "user-agent": "TestPhone/1.0" });
    expect(second.status).toBe(200);
    const listed = await api("/auth/sessions", { token: second.body.token });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(2);
    const current = listed.body.sessions.find((s: { current: boolean }) => s.current);
    expect(current).toMatchObject({ session_id: claimsOf(second.body.token).sid, user_agent: "TestPhone/1.0" });
    expect(listed.body.sessions.map((s: { session_id: string }) => s.session_id)).toContain(claimsOf(first.token).sid);
    for (const s of listed.body.sessions)
      expect(Object.keys(s).sort()).toEqual(["created_at", "current", "last_seen_at", "session_id", "user_agent"]);
  });

  it("logout revokes the session: the token is refused as bearer and as cookie, other sessions keep working", async () => {
    const user = await signupWithCookie();
    const other = await loginAs(user.email);
    const walletId = await createWallet(user, 1_000);
    expect((await api("/auth/logout", { method: "POST", token: user.token })).status).toBe(204);
    expectEnvelope(await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "1.00" } }), 401, "UNAUTHENTICATED");
    expectEnvelope(await api("/auth/me", { headers: { cookie: user.cookie } }), 401, "UNAUTHENTICATED");
    expect((await api(`/wallet/${walletId}`, { token: other.body.token })).body.wallet.balance).toBe("10.00");
  });

  it("changing the password revokes every other session and keeps this one", async () => {
    const user = await signupWithCookie();
    const other = await loginAs(user.email);
    const walletId = await createWallet(user, 1_000);
    const changed = await api("/auth/password", {
      token: user.token,
      body: { current_password: TEST_PASSWORD, new_password: "Brass-Otter-Meadow-31" },
    });
    expect(changed.status).toBe(204);
    expectEnvelope(await api(`/wallet/${walletId}/debit`, { token: other.body.token, body: { amount: "1.00" } }), 401, "UNAUTHENTICATED");
    expect((await api(`/wallet/${walletId}/debit`, { token: user.token, body: { amount: "1.00" } })).status).toBe(200);
    expectEnvelope(await loginAs(user.email), 401, "INVALID_CREDENTIALS");
    expect((await api("/auth/login", { body: { email: user.email, password: "Brass-Otter-Meadow-31" } })).status).toBe(200);
  });

  it("signs out everywhere else, and revokes one session by id", async () => {
    const user = await signupWithCookie();
    const a = await loginAs(user.email);
    const b = await loginAs(user.email);
    const walletId = await createWallet(user, 500);
    expect((await api(`/auth/sessions/${claimsOf(a.body.token).sid}`, { method: "DELETE", token: user.token })).status).toBe(204);
    expectEnvelope(await api(`/wallet/${walletId}/debit`, { token: a.body.token, body: { amount: "1.00" } }), 401, "UNAUTHENTICATED");
    expect((await api("/auth/me", { token: b.body.token })).status).toBe(200);

    expect((await api("/auth/sessions", { method: "DELETE", token: user.token })).status).toBe(204);
    expectEnvelope(await api("/auth/me", { token: b.body.token }), 401, "UNAUTHENTICATED");
    expect((await api("/auth/me", { token: user.token })).status).toBe(200);
    const left = await api("/auth/sessions", { token: user.token });
    expect(left.body.sessions).toHaveLength(1);
    expect(left.body.sessions[0].current).toBe(true);
  });
});

describe("two-factor sign-in", () => {
  it("sets up, enables with a code, then requires a fresh code at login, and disables", async () => {
    await awayFromStepEdge();
    const user = await signup();
    const setup = await api("/auth/2fa/setup", { token: user.token, method: "POST" });
    expect(setup.status).toBe(200);
    expect(setup.body.otpauth_url).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    expect(setup.body.otpauth_url).toContain(encodeURIComponent(user.email));
    const secret: string = setup.body.secret;
    // Pending until enabled: login needs no code yet.
    expect((await loginAs(user.email)).status).toBe(200);
    expect((await api("/auth/me", { token: user.token })).body.user.two_factor).toBe(false);

    // Enabled with the previous step's code (±1 step of drift is accepted).
    expect((await api("/auth/2fa/enable", { token: user.token, body: { otp: codeAt(secret, -1) } })).status).toBe(204);
    expect((await api("/auth/me", { token: user.token })).body.user.two_factor).toBe(true);

    expectEnvelope(await loginAs(user.email), 401, "OTP_REQUIRED");
    // The code used to enable cannot be used again.
    expectEnvelope(await loginAs(user.email, { otp: codeAt(secret, -1) }), 401, "OTP_REQUIRED");
    const signedIn = await loginAs(user.email, { otp: codeAt(secret, 0) });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.two_factor).toBe(true);
    // Nor the code just used to sign in.
    expectEnvelope(await loginAs(user.email, { otp: codeAt(secret, 0) }), 401, "OTP_REQUIRED");

    expectEnvelope(await api("/auth/2fa/disable", { token: user.token, body: { otp: codeAt(secret, 0) } }), 400, "VALIDATION_ERROR");
    expect((await api("/auth/2fa/disable", { token: user.token, body: { otp: codeAt(secret, 1) } })).status).toBe(204);
    expect((await loginAs(user.email)).status).toBe(200);
  });

  it("enable and setup answer 204/200 once; a second setup while on is 409", async () => {
    const user = await signup();
    await enableTwoFactor(user);
    expectEnvelope(await api("/auth/2fa/setup", { token: user.token, method: "POST" }), 409, "INVALID_STATE");
  });
});
