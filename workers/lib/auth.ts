import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { sign, verify } from "hono/jwt";
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

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>`, with a fresh 16-byte salt per user. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${b64(salt)}$${b64(hash)}`;
}

/** A hash to check against when the email is unknown, so both failures take the same time. */
const DUMMY_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, iterations, salt, hash] = (stored ?? DUMMY_HASH).split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const expected = unb64(hash);
  const actual = await pbkdf2(password, unb64(salt), Number(iterations));
  const equal = expected.byteLength === actual.byteLength && crypto.subtle.timingSafeEqual(expected, actual);
  return stored !== undefined && equal;
}

export function roleFor(email: string, adminEmails: string): AuthUser["role"] {
  const admins = adminEmails
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

export async function issueToken(env: Env, user: AuthUser): Promise<{ token: string; expiresIn: number }> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = Number(env.TOKEN_TTL_SECONDS) || 43_200;
  const token = await sign(
    { sub: user.user_id, email: user.email, role: user.role, iat: now, nbf: now, exp: now + expiresIn },
    await tokenKey(env.JWT_SECRET),
    TOKEN_ALG,
  );
  return { token, expiresIn };
}

async function readToken(env: Env, token: string): Promise<AuthUser | null> {
  try {
    const payload = await verify(token, await tokenKey(env.JWT_SECRET), TOKEN_ALG);
    const { sub, email, role } = payload;
    if (typeof sub !== "string" || typeof email !== "string" || (role !== "admin" && role !== "customer")) return null;
    return { user_id: sub, email, role };
  } catch {
    return null;
  }
}

/** Bearer token first (API clients), then the HttpOnly session cookie (the browser UI). */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const token = bearer ?? getCookie(c, SESSION_COOKIE);
  const user = token ? await readToken(c.env, token) : null;
  if (!user) throw new AppError("UNAUTHENTICATED", "A valid bearer token or session is required");
  c.set("user", user);
  await next();
});

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("user").role !== "admin") throw forbidden();
  await next();
});
