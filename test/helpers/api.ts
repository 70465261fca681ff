import { SELF } from "cloudflare:test";
import { formatCents } from "../../workers/domain/money";
import { BASE, client } from "./client";

export { BASE, client };

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

type BodyOf<R> = R extends { json(): Promise<infer T> } ? T : unknown;

/** A typed client's response in `api()`'s shape, so the same assertions (`expectEnvelope`, …) read it. */
export async function read<R extends { status: number; headers: Headers; text(): Promise<string> }>(
  pending: R | Promise<R>,
): Promise<ApiResponse<BodyOf<R>>> {
  const res = await pending;
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as BodyOf<R>, headers: res.headers };
}

let counter = 0;
export const uniqueEmail = (prefix = "user") =>
  `${prefix}-${Date.now().toString(36)}-${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;

export type TestUser = { token: string; user_id: string; email: string };

/** The one password the suites sign up with: strong enough for the signup's strength check. */
export const TEST_PASSWORD = "Quiet-Harbor-7-Lantern";

export async function signup(email = uniqueEmail(), password = TEST_PASSWORD): Promise<TestUser> {
  const res = await client().auth.signup.$post({ json: { email, password } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = await res.json();
  return { token: body.token, user_id: body.user.user_id, email };
}

export const signupAdmin = () => signup("admin@example.com").catch(async () => login("admin@example.com"));

export async function login(email: string, password = TEST_PASSWORD): Promise<TestUser> {
  const res = await client().auth.login.$post({ json: { email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = await res.json();
  return { token: body.token, user_id: body.user.user_id, email };
}

export async function createWallet(user: TestUser, initialCents = 0): Promise<string> {
  const wallets = client(user.token).wallet;
  const res = await wallets.$post({ header: {}, json: {} });
  if (res.status !== 201) throw new Error(`wallet failed: ${res.status} ${await res.text()}`);
  const walletId = (await res.json()).wallet.wallet_id;
  if (initialCents > 0) {
    const credit = await wallets[":wallet_id"].credit.$post({
      param: { wallet_id: walletId },
      header: {},
      json: { amount: centsToString(initialCents) },
    });
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
