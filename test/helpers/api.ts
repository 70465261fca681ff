import { SELF } from "cloudflare:test";
import { formatCents } from "../../workers/domain/money";

export const BASE = "http://localhost/v1";

export type ApiResponse<T = any> = { status: number; body: T; headers: Headers };

/** One HTTP call to the Worker under test, through its real fetch handler. */
export async function api<T = any>(
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await SELF.fetch(`${BASE}${path}`, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (docs page)
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

let counter = 0;
export const uniqueEmail = (prefix = "user") =>
  `${prefix}-${Date.now().toString(36)}-${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;

export type TestUser = { token: string; user_id: string; email: string };

/** The one password the suites sign up with: strong enough for the signup's strength check. */
export const TEST_PASSWORD = "Quiet-Harbor-7-Lantern";

export async function signup(email = uniqueEmail(), password = TEST_PASSWORD): Promise<TestUser> {
  const res = await api("/auth/signup", { body: { email, password } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, user_id: res.body.user.user_id, email };
}

export const signupAdmin = () => signup("admin@example.com").catch(async () => login("admin@example.com"));

export async function login(email: string, password = TEST_PASSWORD): Promise<TestUser> {
  const res = await api("/auth/login", { body: { email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, user_id: res.body.user.user_id, email };
}

export async function createWallet(user: TestUser, initialCents = 0): Promise<string> {
  const res = await api("/wallet", { token: user.token, body: {} });
  if (res.status !== 201) throw new Error(`wallet failed: ${res.status} ${JSON.stringify(res.body)}`);
  const walletId: string = res.body.wallet.wallet_id;
  if (initialCents > 0) {
    const credit = await api(`/wallet/${walletId}/credit`, { token: user.token, body: { amount: formatCents(initialCents) } });
    if (credit.status !== 200) throw new Error(`credit failed: ${credit.status}`);
  }
  return walletId;
}

/** Cents as a request amount ("12.50"). */
export const centsToString = formatCents;

export function expectEnvelope(res: ApiResponse, status: number, code?: string) {
  if (res.status !== status || typeof res.body?.error?.code !== "string" || typeof res.body.error.request_id !== "string") {
    throw new Error(`expected ${status} ${code ?? ""} envelope, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  if (code && res.body.error.code !== code) throw new Error(`expected code ${code}, got ${res.body.error.code}`);
}
