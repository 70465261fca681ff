/**
 * API keys (API.md "API keys"): `sk_<base64url of 32 random bytes>`, stored only as its SHA-256
 * (enough for a high-entropy secret: nothing to brute-force). Looked up on every request, never
 * cached, so a revoked key is refused at once. A key acts as its user limited to its scopes, and
 * never as an admin.
 */
export const API_KEY_SCOPES = ["read", "payments", "transfers", "wallets", "loans", "webhooks"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const API_KEY_PREFIX = "sk_";

const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function hashApiKey(secret: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
}

export function newApiKeySecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `${API_KEY_PREFIX}${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "")}`;
}

/** The area a path belongs to, for a key's scopes. */
const AREAS: [RegExp, ApiKeyScope][] = [
  [/^\/v1\/payment(\/|$)/, "payments"],
  [/^\/v1\/transfers(\/|$)/, "transfers"],
  [/^\/v1\/(wallet|savings-goal|funding)(\/|$)/, "wallets"],
  [/^\/v1\/loan(\/|$)/, "loans"],
  [/^\/v1\/webhooks(\/|$)/, "webhooks"],
];
/** Never with a key: admin routes, managing keys, and sessions or credentials. */
const KEYLESS = /^\/v1\/(admin|api-keys)(\/|$)|^\/v1\/auth\/(?!me$)/;
/** Reads that count as such even though they are POSTs. */
const READ_POSTS = /^\/v1\/(notifications\/read|debt-optimiser(\/|$))/;

/** The scopes of which a key needs one for this request; empty: no key may make it. */
export function scopesFor(method: string, path: string): ApiKeyScope[] {
  if (KEYLESS.test(path)) return [];
  const area = AREAS.find(([pattern]) => pattern.test(path))?.[1];
  const read = method === "GET" || method === "HEAD" || READ_POSTS.test(path);
  if (read) return area ? ["read", area] : ["read"];
  return area ? [area] : [];
}

export type ApiKeyIdentity = {
  apiKeyId: string;
  userId: string;
  email: string;
  twoFactor: boolean;
  scopes: ApiKeyScope[];
};

/** The key's identity, or null for an unknown or revoked one. */
export async function authenticateApiKey(db: D1Database, secret: string): Promise<ApiKeyIdentity | null> {
  const row = await db
    .prepare(
      `SELECT k.api_key_id, k.user_id, k.scopes, u.email, u.totp_secret IS NOT NULL AS two_factor
       FROM api_keys k JOIN users u ON u.user_id = k.user_id WHERE k.secret_hash = ? AND k.revoked_at IS NULL`,
    )
    .bind(await hashApiKey(secret))
    .first<{ api_key_id: string; user_id: string; scopes: string; email: string; two_factor: number }>();
  if (!row) return null;
  const scopes = (JSON.parse(row.scopes) as string[]).filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s));
  return { apiKeyId: row.api_key_id, userId: row.user_id, email: row.email, twoFactor: Boolean(row.two_factor), scopes };
}
