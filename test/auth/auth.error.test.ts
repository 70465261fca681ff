import { describe, expect, it } from "vitest";
import { api, expectEnvelope, signup, TEST_PASSWORD, uniqueEmail } from "../helpers/api";
import { claimsOf, codeAt, signTestToken } from "./auth-factories";

describe("password strength", () => {
  it.each([
    ["password", "too easy to guess"],
    ["12345678", "too easy to guess"],
    ["        ", "too easy to guess"],
    ["password-123", "too easy to guess"],
    ["Quiet-Harbor\u0000-7-Lantern", "control characters"],
    ["Quiet-Harbor\n-7-Lantern", "control characters"],
    ["Quiet-Harbor\u202e-7-Lantern", "control characters"],
  ])("refuses %j at signup with a reason", async (password, reason) => {
    const res = await api("/auth/signup", { body: { email: uniqueEmail(), password } });
    expectEnvelope(res, 400, "VALIDATION_ERROR");
    expect(res.body.error.details[0]).toMatchObject({ path: "password" });
    expect(res.body.error.details[0].message).toContain(reason);
  });

  it("refuses a password equal to or containing the email or its local part", async () => {
    const email = `harbor-lantern-${crypto.randomUUID().slice(0, 6)}@example.com`;
    for (const password of [email, `${email.split("@")[0]}!`, `X9${email.split("@")[0]?.toUpperCase()}`]) {
      const res = await api("/auth/signup", { body: { email, password } });
      expectEnvelope(res, 400, "VALIDATION_ERROR");
      expect(res.body.error.details[0].message).toContain("email");
    }
    expect((await api("/auth/signup", { body: { email, password: TEST_PASSWORD } })).status).toBe(201);
  });

  it("checks the new password of a password change, and refuses a wrong current password with 400", async () => {
    const user = await signup();
    const weak = await api("/auth/password", { token: user.token, body: { current_password: TEST_PASSWORD, new_password: "12345678" } });
    expectEnvelope(weak, 400, "VALIDATION_ERROR");
    expect(weak.body.error.details[0].path).toBe("new_password");
    const wrong = await api("/auth/password", {
      token: user.token,
      body: { current_password: "not-my-password", new_password: "Brass-Otter-Meadow-31" },
    });
    expectEnvelope(wrong, 400, "VALIDATION_ERROR");
    expect(wrong.body.error.details[0].path).toBe("current_password");
    // Neither changed anything nor ended the session.
    expect((await api("/auth/me", { token: user.token })).status).toBe(200);
    expect((await api("/auth/login", { body: { email: user.email, password: TEST_PASSWORD } })).status).toBe(200);
  });
});

describe("tokens and sessions", () => {
  it("refuses a token without exp, even with a live session", async () => {
    const user = await signup();
    const { sub, sid } = claimsOf(user.token);
    const now = Math.floor(Date.now() / 1000);
    expectEnvelope(await api("/auth/me", { token: await signTestToken({ sub, sid, iat: now }) }), 401, "UNAUTHENTICATED");
    // The same claims with an exp work: only the missing exp was refused.
    expect((await api("/auth/me", { token: await signTestToken({ sub, sid, iat: now, exp: now + 60 }) })).status).toBe(200);
  });

  it("refuses a token without a session, with an unknown session, or naming another user's session", async () => {
    const user = await signup();
    const other = await signup();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + 600;
    expectEnvelope(await api("/auth/me", { token: await signTestToken({ sub: user.user_id, iat: now, exp }) }), 401, "UNAUTHENTICATED");
    expectEnvelope(
      await api("/auth/me", { token: await signTestToken({ sub: user.user_id, sid: crypto.randomUUID(), iat: now, exp }) }),
      401,
      "UNAUTHENTICATED",
    );
    expectEnvelope(
      await api("/auth/me", { token: await signTestToken({ sub: user.user_id, sid: claimsOf(other.token).sid, iat: now, exp }) }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("answers 404 for revoking another user's session, and leaves it alone", async () => {
    const user = await signup();
    const other = await signup();
    expectEnvelope(await api(`/auth/sessions/${claimsOf(other.token).sid}`, { method: "DELETE", token: user.token }), 404, "NOT_FOUND");
    expectEnvelope(await api(`/auth/sessions/not-a-session`, { method: "DELETE", token: user.token }), 404, "NOT_FOUND");
    expect((await api("/auth/me", { token: other.token })).status).toBe(200);
  });
});

describe("two-factor errors", () => {
  it("enable without setup or with a wrong code is 400; disable while off is 409; a malformed otp is 400", async () => {
    const user = await signup();
    expectEnvelope(await api("/auth/2fa/enable", { token: user.token, body: { otp: "123456" } }), 400, "VALIDATION_ERROR");
    const setup = await api("/auth/2fa/setup", { token: user.token, method: "POST" });
    const wrong = String((Number(codeAt(setup.body.secret)) + 500_000) % 1_000_000).padStart(6, "0");
    expectEnvelope(await api("/auth/2fa/enable", { token: user.token, body: { otp: wrong } }), 400, "VALIDATION_ERROR");
    expect((await api("/auth/me", { token: user.token })).body.user.two_factor).toBe(false);
    expectEnvelope(await api("/auth/2fa/disable", { token: user.token, body: { otp: "123456" } }), 409, "INVALID_STATE");
    expectEnvelope(await api("/auth/2fa/enable", { token: user.token, body: { otp: "12ab56" } }), 400, "VALIDATION_ERROR");
    expectEnvelope(
      await api("/auth/login", { body: { email: user.email, password: TEST_PASSWORD, otp: 123456 } }),
      400,
      "VALIDATION_ERROR",
    );
  });
});
