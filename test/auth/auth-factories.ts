import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { sign } from "hono/jwt";
import { Secret, TOTP } from "otpauth";
import { app } from "../../workers/app";
import { type ApiResponse, api, BASE, TEST_PASSWORD, type TestUser, uniqueEmail } from "../helpers/api";

export type CookieUser = TestUser & { cookie: string; session_id: string };

export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));

/** Signs up and keeps both the bearer token and the session cookie of the new session. */
export async function signupWithCookie(email = uniqueEmail(), password = TEST_PASSWORD): Promise<CookieUser> {
  const res = await api("/auth/signup", { body: { email, password } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie =
    res.headers
      .getSetCookie()
      .find((c) => c.startsWith("session="))
      ?.split(";")[0] ?? "";
  const token: string = res.body.token;
  return { token, cookie, email, user_id: res.body.user.user_id, session_id: String(claimsOf(token).sid) };
}

export async function loginAs(email: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return api("/auth/login", { body: { email, password: TEST_PASSWORD, ...extra }, headers });
}

/** A token signed with the real secret, for claims the API never issues (no exp, a role claim, a near exp). */
export const signTestToken = (claims: Record<string, unknown>) => sign(claims, env.JWT_SECRET, "HS256");

/** The app called with an overridden environment (e.g. production settings), in this isolate. */
export async function callWithEnv(
  overrides: Partial<Env>,
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] = "application/json";
  }
  const ctx = createExecutionContext();
  const res = await app.request(
    `${BASE}${path}`,
    { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body },
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const totpOf = (secret: string) => new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });

/** The code of `secret` at `stepOffset` steps from now. */
export const codeAt = (secret: string, stepOffset = 0) => totpOf(secret).generate({ timestamp: Date.now() + stepOffset * 30_000 });

/** Waits, if needed, so that at least `seconds` remain in the current 30 s step (codes then stay put). */
export async function awayFromStepEdge(seconds = 8): Promise<void> {
  const left = 30 - ((Date.now() / 1000) % 30);
  if (left < seconds) await new Promise((r) => setTimeout(r, left * 1000 + 100));
}

/** Turns two-factor sign-in on for a user; returns the secret. */
export async function enableTwoFactor(user: TestUser): Promise<string> {
  const setup = await api("/auth/2fa/setup", { token: user.token, method: "POST" });
  if (setup.status !== 200) throw new Error(`2fa setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  const secret: string = setup.body.secret;
  const enabled = await api("/auth/2fa/enable", { token: user.token, body: { otp: codeAt(secret, -1) } });
  if (enabled.status !== 204) throw new Error(`2fa enable failed: ${enabled.status} ${JSON.stringify(enabled.body)}`);
  return secret;
}

export async function openLive(walletId: string, headers: Record<string, string>) {
  return SELF.fetch(`${BASE}/wallet/${walletId}/live`, { headers: { upgrade: "websocket", ...headers } });
}

/** Accepts a client socket and records what it receives and how it closed. */
export function watch(ws: WebSocket) {
  const seen = { messages: [] as unknown[], closed: null as null | { code: number; reason: string } };
  ws.addEventListener("message", (event) => {
    seen.messages.push(JSON.parse(event.data as string));
  });
  ws.addEventListener("close", (event) => {
    seen.closed = { code: event.code, reason: event.reason };
  });
  ws.accept();
  return seen;
}
