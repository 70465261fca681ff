import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { type AppEnv, createRouter } from "../lib/app";
import { forgetSessions, hashPassword, SESSION_COOKIE, SIGNED_IN_COOKIE, signupRole, verifyPassword } from "../lib/auth";
import { createDb, type Db } from "../lib/db";
import { AppError, invalidState, notFound } from "../lib/errors";
import { newId, nowIso } from "../lib/ids";
import { sessions, users } from "../lib/schema";
import * as routes from "./auth.routes";
import { passwordProblems } from "./password-strength";
import { activeSessions, revokeSessions, startSession } from "./sessions";
import { newTotpSecret, otpauthUrl, totpStep } from "./two-factor";

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** Failed attempts per email before each further one must wait 2, 4, 8 … seconds, at most LOGIN_MAX_DELAY_MS. */
const LOGIN_FREE_FAILURES_PER_EMAIL = 5;
const LOGIN_MAX_DELAY_MS = 15 * 60 * 1000;
const LOGIN_LIMIT_PER_IP = 50;

type UserRow = typeof users.$inferSelect;

const present = (row: UserRow) => ({
  user_id: row.userId,
  email: row.email,
  name: row.name,
  role: row.role,
  two_factor: row.totpSecret !== null,
  created_at: row.createdAt,
});

async function signIn(c: Context<AppEnv>, row: UserRow) {
  const { token, expiresIn } = await startSession(c.env, row.userId, c.req.header("user-agent"));
  const secure = new URL(c.req.url).protocol === "https:";
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: "Lax", path: "/", maxAge: expiresIn });
  setCookie(c, SIGNED_IN_COOKIE, "1", { secure, sameSite: "Lax", path: "/", maxAge: expiresIn });
  return { user: present(row), token };
}

function clearCookies(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  deleteCookie(c, SIGNED_IN_COOKIE, { path: "/" });
}

function refuseWeak(password: string, context: { email: string; name?: string | null }, path: string) {
  const problems = passwordProblems(password, context, path);
  if (problems.length > 0) throw new AppError("VALIDATION_ERROR", "The password is too weak", problems);
}

/**
 * Spends a TOTP code: true when it is valid for the secret and of a later time step than any code
 * used before. The conditional update makes two concurrent uses of one code succeed at most once.
 */
async function spendOtp(db: Db, userId: string, secret: string, otp: string): Promise<boolean> {
  const step = totpStep(secret, otp);
  if (step === null) return false;
  const spent = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.userId, userId), eq(users.totpSecret, secret), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.userId });
  return spent.length === 1;
}

const wrongCode = () => new AppError("VALIDATION_ERROR", "The code is not valid", [{ path: "otp", message: "wrong or already used code" }]);

const limiter = (env: Env, subject: string) => env.LOGIN_LIMITER.get(env.LOGIN_LIMITER.idFromName(subject));
const rateLimited = (seconds: number) =>
  new AppError("RATE_LIMITED", "Too many login attempts; try again later", [], { "Retry-After": String(seconds) });

async function userById(db: Db, userId: string): Promise<UserRow> {
  const row = await db.query.users.findFirst({ where: eq(users.userId, userId) });
  if (!row) throw notFound("User");
  return row;
}

export const authRouter = createRouter()
  .openapi(routes.signup, async (c) => {
    const { email, password, name } = c.req.valid("json");
    refuseWeak(password, { email, name }, "password");
    const db = createDb(c.env.DB);
    const row: UserRow = {
      userId: newId(),
      email,
      name: name ?? null,
      passwordHash: await hashPassword(password),
      createdAt: nowIso(),
      role: signupRole(c.env, email),
      totpSecret: null,
      totpPendingSecret: null,
      totpLastStep: null,
    };
    const inserted = await db.insert(users).values(row).onConflictDoNothing().returning({ id: users.userId });
    if (inserted.length === 0) throw new AppError("EMAIL_TAKEN", "An account with this email already exists");
    return c.json(await signIn(c, row), 201);
  })
  .openapi(routes.login, async (c) => {
    const { email, password, otp } = c.req.valid("json");
    const ip = c.req.header("cf-connecting-ip") ?? "local";
    const byIp = limiter(c.env, `ip:${ip}`);
    // The IP is asked first: an attempt it refuses never reaches (or counts against) the email.
    const ipSlot = await byIp.attempt(LOGIN_LIMIT_PER_IP, LOGIN_WINDOW_MS);
    if (!ipSlot.allowed) throw rateLimited(ipSlot.retryAfterSeconds);
    const byEmail = limiter(c.env, `email:${email}`);
    const emailSlot = await byEmail.attemptWithBackoff(LOGIN_FREE_FAILURES_PER_EMAIL, LOGIN_WINDOW_MS, LOGIN_MAX_DELAY_MS);
    if (!emailSlot.allowed) throw rateLimited(emailSlot.retryAfterSeconds);

    const db = createDb(c.env.DB);
    const row = await db.query.users.findFirst({ where: eq(users.email, email) });
    if (!(await verifyPassword(password, row?.passwordHash)) || !row) {
      throw new AppError("INVALID_CREDENTIALS", "Email or password is incorrect");
    }
    if (row.totpSecret !== null) {
      if (otp === undefined) {
        // The password was right: asking for the code is not a failed attempt.
        await Promise.all([byEmail.succeeded(emailSlot.attemptId, false), byIp.succeeded(ipSlot.attemptId, false)]);
        throw new AppError("OTP_REQUIRED", "This account needs the code of its authenticator app (otp)");
      }
      // A wrong or reused code stays counted as a failed attempt.
      if (!(await spendOtp(db, row.userId, row.totpSecret, otp))) {
        throw new AppError("OTP_REQUIRED", "The code is wrong or was already used; send the current one as otp");
      }
    }
    await Promise.all([byEmail.succeeded(emailSlot.attemptId, true), byIp.succeeded(ipSlot.attemptId, false)]);
    return c.json(await signIn(c, row), 200);
  })
  .openapi(routes.logout, async (c) => {
    const user = c.get("user");
    await revokeSessions(c.env, user.user_id, { only: user.session_id });
    clearCookies(c);
    return c.body(null, 204);
  })
  .openapi(routes.me, async (c) => {
    const row = await userById(createDb(c.env.DB), c.get("user").user_id);
    return c.json({ user: present(row) }, 200);
  })
  .openapi(routes.changePassword, async (c) => {
    const user = c.get("user");
    const { current_password, new_password } = c.req.valid("json");
    const db = createDb(c.env.DB);
    const row = await userById(db, user.user_id);
    if (!(await verifyPassword(current_password, row.passwordHash))) {
      throw new AppError("VALIDATION_ERROR", "The current password is incorrect", [{ path: "current_password", message: "is incorrect" }]);
    }
    refuseWeak(new_password, { email: row.email, name: row.name }, "new_password");
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(new_password) })
      .where(eq(users.userId, user.user_id));
    await revokeSessions(c.env, user.user_id, { allBut: user.session_id });
    return c.body(null, 204);
  })
  .openapi(routes.listSessions, async (c) => {
    const user = c.get("user");
    const rows = await activeSessions(c.env, user.user_id);
    return c.json(
      {
        sessions: rows.map((s) => ({
          session_id: s.sessionId,
          created_at: s.createdAt,
          last_seen_at: s.lastSeenAt,
          user_agent: s.userAgent,
          current: s.sessionId === user.session_id,
        })),
      },
      200,
    );
  })
  .openapi(routes.revokeSession, async (c) => {
    const user = c.get("user");
    const { session_id } = c.req.valid("param");
    const owned = await createDb(c.env.DB)
      .select({ id: sessions.sessionId })
      .from(sessions)
      .where(and(eq(sessions.sessionId, session_id), eq(sessions.userId, user.user_id)));
    if (owned.length === 0) throw notFound("Session");
    await revokeSessions(c.env, user.user_id, { only: session_id });
    if (session_id === user.session_id) clearCookies(c);
    return c.body(null, 204);
  })
  .openapi(routes.revokeOtherSessions, async (c) => {
    const user = c.get("user");
    await revokeSessions(c.env, user.user_id, { allBut: user.session_id });
    return c.body(null, 204);
  })
  .openapi(routes.setupTwoFactor, async (c) => {
    const user = c.get("user");
    const db = createDb(c.env.DB);
    const secret = newTotpSecret();
    const pending = await db
      .update(users)
      .set({ totpPendingSecret: secret })
      .where(and(eq(users.userId, user.user_id), isNull(users.totpSecret)))
      .returning({ email: users.email });
    if (pending.length === 0) throw invalidState("Two-factor sign-in is already on; disable it first");
    return c.json({ secret, otpauth_url: otpauthUrl(secret, pending[0]?.email ?? user.email) }, 200);
  })
  .openapi(routes.enableTwoFactor, async (c) => {
    const user = c.get("user");
    const { otp } = c.req.valid("json");
    const db = createDb(c.env.DB);
    const row = await userById(db, user.user_id);
    if (row.totpSecret !== null) throw invalidState("Two-factor sign-in is already on");
    const secret = row.totpPendingSecret;
    const step = secret === null ? null : totpStep(secret, otp);
    if (secret === null || step === null) throw wrongCode();
    const enabled = await db
      .update(users)
      .set({ totpSecret: secret, totpPendingSecret: null, totpLastStep: step })
      .where(and(eq(users.userId, user.user_id), eq(users.totpPendingSecret, secret), isNull(users.totpSecret)))
      .returning({ id: users.userId });
    if (enabled.length === 0) throw wrongCode();
    forgetSessions({ userId: user.user_id });
    return c.body(null, 204);
  })
  .openapi(routes.disableTwoFactor, async (c) => {
    const user = c.get("user");
    const { otp } = c.req.valid("json");
    const db = createDb(c.env.DB);
    const row = await userById(db, user.user_id);
    if (row.totpSecret === null) throw invalidState("Two-factor sign-in is off");
    if (!(await spendOtp(db, user.user_id, row.totpSecret, otp))) throw wrongCode();
    await db.update(users).set({ totpSecret: null, totpPendingSecret: null, totpLastStep: null }).where(eq(users.userId, user.user_id));
    forgetSessions({ userId: user.user_id });
    return c.body(null, 204);
  });
