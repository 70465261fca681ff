import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { sign, verify } from "hono/jwt";
import { fromBase64, toBase64 } from "../domain/base64";
import { API_KEY_PREFIX, authenticateApiKey, scopesFor } from "./api-keys";
import type { AppEnv, AuthUser } from "./app";
import { AppError, forbidden } from "./errors";

/** Cloudflare's WebCrypto refuses PBKDF2 above 100,000 iterations in production (local dev does not). */
export const PBKDF2_ITERATIONS = 100_000;
export const SESSION_COOKIE = "session";
/**
 * A readable companion of the HttpOnly session cookie, set and cleared with it: "1" tells the UI a
 * session may exist, so a signed-out visitor's browser never asks GET /v1/auth/me for a certain 401.
 * It grants nothing; the session cookie (or a Bearer token) is still what authenticates.
 */
export const SIGNED_IN_COOKIE = "signed_in";
const TOKEN_ALG = "HS256" as const;

/** How long one isolate trusts a session lookup: revocation elsewhere takes effect within this (API.md: 5 s). */
export const SESSION_CACHE_MS = 2_000;
/** `last_seen_at` is written at most this often per session. */
const LAST_SEEN_EVERY_MS = 60_000;
const SESSION_CACHE_MAX = 10_000;

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>`, with a fresh 16-byte salt per user. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** A hash to check against when the email is unknown, so both failures take the same time. */
const DUMMY_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, iterations, salt, hash] = (stored ?? DUMMY_HASH).split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const expected = fromBase64(hash);
  const actual = await pbkdf2(password, fromBase64(salt), Number(iterations));
  const equal = expected.byteLength === actual.byteLength && crypto.subtle.timingSafeEqual(expected, actual);
  return stored !== undefined && equal;
}

/** The role a new account gets: ADMIN_EMAILS counts only in local development. */
export function signupRole(env: Env, email: string): AuthUser["role"] {
  if (env.ENVIRONMENT !== "local") return "customer";
  const admins = String(env.ADMIN_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  return admins.includes(email.toLowerCase()) ? "admin" : "customer";
}

/**
 * The HMAC key of a JWT secret, imported once per isolate: hono's sign/verify would otherwise run
 * `importKey` on every request. Keyed by the secret itself, so a rotated secret gets its own key.
 */
const tokenKeys = new Map<string, Promise<CryptoKey>>();
function tokenKey(secret: string): Promise<CryptoKey> {
  let key = tokenKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    tokenKeys.set(secret, key);
    key.catch(() => tokenKeys.delete(secret));
  }
  return key;
}

export const tokenTtlSeconds = (env: Env) => Number(env.TOKEN_TTL_SECONDS) || 43_200;

/** A token names its user and session only: what it may do is read from D1 on every request. */
export async function signToken(env: Env, claims: { sub: string; sid: string; iat: number; exp: number }): Promise<string> {
  return sign({ ...claims, nbf: claims.iat }, await tokenKey(env.JWT_SECRET), TOKEN_ALG);
}

type Claims = { sub: string; sid: string; exp: number };

async function readToken(env: Env, token: string): Promise<Claims | null> {
  try {
    const payload = await verify(token, await tokenKey(env.JWT_SECRET), TOKEN_ALG);
    const { sub, sid, exp } = payload;
    // hono checks `exp` only when present: a token without one would never expire.
    if (typeof sub !== "string" || typeof sid !== "string" || typeof exp !== "number") return null;
    return { sub, sid, exp };
  } catch {
    return null;
  }
}

type SessionState = {
  userId: string;
  email: string;
  role: AuthUser["role"];
  twoFactor: boolean;
  expiresAt: number;
  revoked: boolean;
  lastSeenAt: number;
};
type SessionRow = {
  user_id: string;
  email: string;
  role: string;
  two_factor: number;
  expires_at: string;
  revoked_at: string | null;
  last_seen_at: string;
};

/** Per-isolate cache of session lookups (promises, so concurrent requests share one D1 query). */
const sessionCache = new Map<string, { at: number; state: Promise<SessionState | null> }>();

/** Drops cached lookups at once: of these sessions, or of every session of a user (role or 2FA change). */
export function forgetSessions(which: { sessionIds?: readonly string[]; userId?: string }): void {
  for (const id of which.sessionIds ?? []) sessionCache.delete(id);
  if (which.userId === undefined) return;
  for (const [id, entry] of sessionCache) {
    entry.state.then((s) => s?.userId === which.userId && sessionCache.get(id) === entry && sessionCache.delete(id)).catch(() => {});
  }
}

async function loadSession(db: D1Database, sessionId: string): Promise<SessionState | null> {
  // One query for everything a request needs: the session and the user's current role and 2FA flag.
  const row = await db
    .prepare(
      `SELECT s.user_id, u.email, u.role, u.totp_secret IS NOT NULL AS two_factor, s.expires_at, s.revoked_at, s.last_seen_at
       FROM sessions s JOIN users u ON u.user_id = s.user_id WHERE s.session_id = ?`,
    )
    .bind(sessionId)
    .first<SessionRow>();
  if (!row) return null;
  return {
    userId: row.user_id,
    email: row.email,
    role: row.role === "admin" ? "admin" : "customer",
    twoFactor: Boolean(row.two_factor),
    expiresAt: Date.parse(row.expires_at),
    revoked: row.revoked_at !== null,
    lastSeenAt: Date.parse(row.last_seen_at),
  };
}

function sessionFor(env: Env, sessionId: string, now: number): Promise<SessionState | null> {
  const cached = sessionCache.get(sessionId);
  if (cached && now - cached.at < SESSION_CACHE_MS) return cached.state;
  if (sessionCache.size >= SESSION_CACHE_MAX) {
    for (const [id, entry] of sessionCache) if (now - entry.at >= SESSION_CACHE_MS) sessionCache.delete(id);
    if (sessionCache.size >= SESSION_CACHE_MAX) sessionCache.clear();
  }
  const state = loadSession(env.DB, sessionId);
  const entry = { at: now, state };
  sessionCache.set(sessionId, entry);
  state.catch(() => sessionCache.get(sessionId) === entry && sessionCache.delete(sessionId));
  return state;
}

function inBackground(c: Context<AppEnv>, work: Promise<unknown>): void {
  const settled = work.catch((error) => console.error(JSON.stringify({ msg: "background write failed", error: String(error) })));
  try {
    c.executionCtx.waitUntil(settled);
  } catch {
    // No execution context (app.request in tests): the promise still runs.
  }
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

let origins: { setting: string; list: readonly string[] } | undefined;
/** CORS_ORIGINS as a list, parsed once per isolate (and again only if the setting differs). */
export function allowedOrigins(env: Env): readonly string[] {
  const setting = String(env.CORS_ORIGINS ?? "");
  if (origins?.setting !== setting) {
    origins = {
      setting,
      list: setting
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    };
  }
  return origins.list;
}

/**
 * Whether a cookie-authenticated browser request may act (API.md "Browser requests"): its Origin is the
 * API's own or a listed one, or without Origin `Sec-Fetch-Site` says same-origin. A request with neither
 * header is not from a browser and is judged by its credentials alone. `Origin: null` never matches.
 */
export function browserRequestAllowed(c: Context<AppEnv>): boolean {
  const origin = c.req.header("origin");
  if (origin !== undefined) return origin === new URL(c.req.url).origin || allowedOrigins(c.env).includes(origin);
  const site = c.req.header("sec-fetch-site");
  return site === undefined || site === "same-origin";
}

const unauthenticated = () => new AppError("UNAUTHENTICATED", "A valid bearer token or session is required");

const bearerToken = (c: Context<AppEnv>) => c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];

/**
 * The origin check for cookie-authenticated unsafe requests and WebSocket upgrades: a global
 * middleware (app.ts) ahead of body parsing, so a cross-site request is a 403 whatever its body or
 * content type (a form's text/plain would otherwise be answered 415 first). Every route sits behind it.
 */
export const crossSiteGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (bearerToken(c) === undefined && getCookie(c, SESSION_COOKIE) !== undefined) {
    const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
    if ((UNSAFE_METHODS.has(c.req.method) || upgrade) && !browserRequestAllowed(c)) {
      throw new AppError("FORBIDDEN", "Cross-site request refused: the Origin is not allowed to use this session");
    }
  }
  await next();
});

/** Bearer token first (API clients), then the HttpOnly session cookie (the browser UI). */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const bearer = bearerToken(c);
  if (bearer?.startsWith(API_KEY_PREFIX)) return withApiKey(c, bearer, next);
  const token = bearer ?? getCookie(c, SESSION_COOKIE);
  if (!token) throw unauthenticated();
  const claims = await readToken(c.env, token);
  if (!claims) throw unauthenticated();
  const now = Date.now();
  const session = await sessionFor(c.env, claims.sid, now);
  if (!session || session.revoked || session.expiresAt <= now || session.userId !== claims.sub) throw unauthenticated();
  if (now - session.lastSeenAt >= LAST_SEEN_EVERY_MS) {
    session.lastSeenAt = now;
    inBackground(
      c,
      c.env.DB.prepare("UPDATE sessions SET last_seen_at = ? WHERE session_id = ?").bind(new Date(now).toISOString(), claims.sid).run(),
    );
  }
  c.set("user", {
    user_id: session.userId,
    email: session.email,
    role: session.role,
    two_factor: session.twoFactor,
    session_id: claims.sid,
    token_expires_at: claims.exp,
  });
  await next();
});

const keyLastUsed = new Map<string, number>();

/**
 * `Authorization: Bearer sk_…` (API.md "API keys"): the key's user, limited to its scopes (403
 * otherwise), never admin. Read from D1 on every request (no cache), so revocation is immediate.
 */
async function withApiKey(c: Context<AppEnv>, secret: string, next: () => Promise<void>): Promise<void> {
  const key = await authenticateApiKey(c.env.DB, secret);
  if (!key) throw unauthenticated();
  const needed = scopesFor(c.req.method, c.req.path);
  if (!needed.some((scope) => key.scopes.includes(scope))) {
    throw new AppError(
      "FORBIDDEN",
      needed.length === 0 ? "API keys cannot use this route" : `This API key needs one of the scopes: ${needed.join(", ")}`,
    );
  }
  const now = Date.now();
  if (now - (keyLastUsed.get(key.apiKeyId) ?? 0) >= LAST_SEEN_EVERY_MS) {
    keyLastUsed.set(key.apiKeyId, now);
    inBackground(
      c,
      c.env.DB.prepare("UPDATE api_keys SET last_used_at = ? WHERE api_key_id = ?").bind(new Date(now).toISOString(), key.apiKeyId).run(),
    );
  }
  c.set("user", {
    user_id: key.userId,
    email: key.email,
    // A key never carries the admin role, whoever its user is.
    role: "customer",
    two_factor: key.twoFactor,
    session_id: `key:${key.apiKeyId}`,
    // A live socket opened with a key is closed within the hour (a revoked key cannot keep one open longer).
    token_expires_at: Math.floor(now / 1000) + 3600,
    api_key_id: key.apiKeyId,
  });
  await next();
}

/** Admin routes: the admin role, and outside local development two-factor sign-in on the account. */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.get("user");
  if (user.role !== "admin") throw forbidden();
  if (c.env.ENVIRONMENT !== "local" && !user.two_factor) {
    throw new AppError(
      "FORBIDDEN",
      "Admin routes require two-factor sign-in on this account: turn it on with POST /v1/auth/2fa/setup and /v1/auth/2fa/enable",
    );
  }
  await next();
});
