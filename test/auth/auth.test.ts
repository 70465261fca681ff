import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../workers/lib/auth";
import { api, expectEnvelope, signup, TEST_PASSWORD, uniqueEmail } from "../helpers/api";

describe("auth", () => {
  it("hashes with PBKDF2-SHA256 at no more than 100,000 iterations (the production WebCrypto cap) and a per-user salt", async () => {
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000);
    const a = await hashPassword("same password");
    const b = await hashPassword("same password");
    expect(a.split("$")[1]).toBe(String(PBKDF2_ITERATIONS));
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("other password", a)).toBe(false);
    expect(await verifyPassword("anything", undefined)).toBe(false);

    const email = uniqueEmail();
    await signup(email);
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE email = ?").bind(email).first<{ password_hash: string }>();
    expect(row?.password_hash.startsWith(`pbkdf2-sha256$${PBKDF2_ITERATIONS}$`)).toBe(true);
    expect(row?.password_hash).not.toContain(TEST_PASSWORD);
  });

  it("signs up, logs in case-insensitively, reads /me, and answers 409 for a taken email", async () => {
    const email = uniqueEmail("Mixed");
    const created = await api("/auth/signup", { body: { email, password: TEST_PASSWORD, name: "Ada" } });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email: email.toLowerCase(), name: "Ada", role: "customer" });
    expect(created.headers.get("set-cookie")).toMatch(/session=.*HttpOnly/i);

    const again = await api("/auth/signup", { body: { email: email.toUpperCase(), password: "Another-Strong-Pass-99" } });
    expectEnvelope(again, 409, "EMAIL_TAKEN");

    const login = await api("/auth/login", { body: { email: email.toUpperCase(), password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    const me = await api("/auth/me", { token: login.body.token });
    expect(me.body.user.user_id).toBe(created.body.user.user_id);
  });

  it("accepts the HttpOnly session cookie and clears it on logout", async () => {
    const created = await api("/auth/signup", { body: { email: uniqueEmail(), password: TEST_PASSWORD } });
    const cookie = created.headers.get("set-cookie")?.split(";")[0] ?? "";
    const me = await api("/auth/me", { headers: { cookie } });
    expect(me.status).toBe(200);
    const out = await api("/auth/logout", { method: "POST", headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/session=;.*Max-Age=0/i);
    expect(out.headers.getSetCookie().find((c) => c.startsWith("signed_in="))).toMatch(/signed_in=;.*Max-Age=0/i);
  });

  it("sets a readable signed_in hint with the session cookie, and nothing else readable", async () => {
    const created = await api("/auth/signup", { body: { email: uniqueEmail(), password: TEST_PASSWORD } });
    const cookies = created.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith("session="));
    const hint = cookies.find((c) => c.startsWith("signed_in="));
    expect(session).toMatch(/HttpOnly/i);
    expect(hint).toMatch(/^signed_in=1;/);
    expect(hint).not.toMatch(/HttpOnly/i);
    expect(hint?.match(/Max-Age=(\d+)/)?.[1]).toBe(session?.match(/Max-Age=(\d+)/)?.[1]);
    // The hint alone authenticates nothing.
    expect((await api("/auth/me", { headers: { cookie: "signed_in=1" } })).status).toBe(401);
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    const user = await signup();
    const wrong = await api("/auth/login", { body: { email: user.email, password: "wrong-password" } });
    const unknown = await api("/auth/login", { body: { email: uniqueEmail(), password: "wrong-password" } });
    expectEnvelope(wrong, 401, "INVALID_CREDENTIALS");
    expectEnvelope(unknown, 401, "INVALID_CREDENTIALS");
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it("limits login attempts per email exactly, even when they arrive at once: 429 with Retry-After", async () => {
    const user = await signup();
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => api("/auth/login", { body: { email: user.email, password: "wrong-password" } })),
    );
    expect(attempts.filter((r) => r.status === 401)).toHaveLength(5);
    const limited = attempts.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    expect(Number(limited[0]?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited[0]?.body.error.code).toBe("RATE_LIMITED");
    // Even the right password is refused while limited.
    expectEnvelope(await api("/auth/login", { body: { email: user.email, password: TEST_PASSWORD } }), 429, "RATE_LIMITED");
  });

  it("makes ADMIN_EMAILS accounts admins", async () => {
    const res = await api("/auth/signup", { body: { email: "Admin@Example.com", password: TEST_PASSWORD } });
    expect(res.body.user.role).toBe("admin");
  });

  it("validates signup input", async () => {
    for (const body of [
      { email: "not-an-email", password: TEST_PASSWORD },
      { email: uniqueEmail(), password: "short" },
      { email: uniqueEmail(), password: "x".repeat(129) },
      { email: uniqueEmail(), password: TEST_PASSWORD, role: "admin" },
      {},
    ]) {
      expectEnvelope(await api("/auth/signup", { body }), 400, "VALIDATION_ERROR");
    }
  });
});
