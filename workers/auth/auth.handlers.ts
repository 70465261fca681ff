import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { AppEnv, AppRouteHandler } from "../lib/app";
import { forgetSessions, hashPassword, SESSION_COOKIE, SIGNED_IN_COOKIE, signupRole, verifyPassword } from "../lib/auth";
import { createDb, type Db } from "../lib/db";
import { AppError, invalidState, notFound } from "../lib/errors";
import { newId, nowIso } from "../lib/ids";
import { presentSession, presentUser } from "./auth.presenters";
import * as queries from "./auth.queries";
import type * as routes from "./auth.routes";
import { passwordProblems } from "./password-strength";
import { activeSessions, revokeSessions, startSession } from "./sessions";
import { newTotpSecret, otpauthUrl, totpStep } from "./two-factor";

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** Failed attempts per email before each further one must wait 2, 4, 8 … seconds, at most LOGIN_MAX_DELAY_MS. */
const LOGIN_FREE_FAILURES_PER_EMAIL = 5;
const LOGIN_MAX_DELAY_MS = 15 * 60 * 1000;
const LOGIN_LIMIT_PER_IP = 50;

async function signIn(c: Context<AppEnv>, row: queries.UserRow) {
  const { token, expiresIn } = await startSession(c.env, row.userId, c.req.header("user-agent"));
  const secure = new URL(c.req.url).protocol === "https:";
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: "Lax", path: "/", maxAge: expiresIn });
  setCookie(c, SIGNED_IN_COOKIE, "1", { secure, sameSite: "Lax", path: "/", maxAge: expiresIn });
  return { user: presentUser(row), token };
}

function clearCookies(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  deleteCookie(c, SIGNED_IN_COOKIE, { path: "/" });
}

function refuseWeak(password: string, context: { email: string; name?: string | null }, path: string) {
  const problems = passwordProblems(password, context, path);
  if (problems.length > 0) throw new AppError("VALIDATION_ERROR", "The password is too weak", problems);
}

/** Spends a TOTP code: true when it is valid for the secret and of a later time step than any code used before. */
async function spendOtp(db: Db, userId: string, secret: string, otp: string): Promise<boolean> {
  const step = totpStep(secret, otp);
  if (step === null) return false;
  return queries.spendTotpStep(db, userId, secret, step);
}

const wrongCode = () => new AppError("VALIDATION_ERROR", "The code is not valid", [{ path: "otp", message: "wrong or already used code" }]);

const limiter = (env: Env, subject: string) => env.LOGIN_LIMITER.get(env.LOGIN_LIMITER.idFromName(subject));
const rateLimited = (seconds: number) =>
  new AppError("RATE_LIMITED", "Too many login attempts; try again later", [], { "Retry-After": String(seconds) });

async function userById(db: Db, userId: string): Promise<queries.UserRow> {
  const row = await queries.findUser(db, userId);
  if (!row) throw notFound("User");
  return row;
}

export const signup: AppRouteHandler<typeof routes.signup> = async (c) => {
  const { email, password, name } = c.req.valid("json");
  refuseWeak(password, { email, name }, "password");
  const db = createDb(c.env.DB);
  const row: queries.UserRow = {
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
  if (!(await queries.insertUser(db, row))) throw new AppError("EMAIL_TAKEN", "An account with this email already exists");
  return c.json(await signIn(c, row), 201);
};

export const login: AppRouteHandler<typeof routes.login> = async (c) => {
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
  const row = await queries.findUserByEmail(db, email);
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
};

export const logout: AppRouteHandler<typeof routes.logout> = async (c) => {
  const user = c.get("user");
  await revokeSessions(c.env, user.user_id, { only: user.session_id });
  clearCookies(c);
  return c.body(null, 204);
};

export const me: AppRouteHandler<typeof routes.me> = async (c) => {
  const row = await userById(createDb(c.env.DB), c.get("user").user_id);
  return c.json({ user: presentUser(row) }, 200);
};

export const changePassword: AppRouteHandler<typeof routes.changePassword> = async (c) => {
  const user = c.get("user");
  const { current_password, new_password } = c.req.valid("json");
  const db = createDb(c.env.DB);
  const row = await userById(db, user.user_id);
  if (!(await verifyPassword(current_password, row.passwordHash))) {
    throw new AppError("VALIDATION_ERROR", "The current password is incorrect", [{ path: "current_password", message: "is incorrect" }]);
  }
  refuseWeak(new_password, { email: row.email, name: row.name }, "new_password");
  await queries.setPasswordHash(db, user.user_id, await hashPassword(new_password));
  await revokeSessions(c.env, user.user_id, { allBut: user.session_id });
  return c.body(null, 204);
};

export const listSessions: AppRouteHandler<typeof routes.listSessions> = async (c) => {
  const user = c.get("user");
  const rows = await activeSessions(c.env, user.user_id);
  return c.json({ sessions: rows.map((s) => presentSession(s, user.session_id)) }, 200);
};

export const revokeSession: AppRouteHandler<typeof routes.revokeSession> = async (c) => {
  const user = c.get("user");
  const { session_id } = c.req.valid("param");
  if (!(await queries.isOwnSession(createDb(c.env.DB), user.user_id, session_id))) throw notFound("Session");
  await revokeSessions(c.env, user.user_id, { only: session_id });
  if (session_id === user.session_id) clearCookies(c);
  return c.body(null, 204);
};

export const revokeOtherSessions: AppRouteHandler<typeof routes.revokeOtherSessions> = async (c) => {
  const user = c.get("user");
  await revokeSessions(c.env, user.user_id, { allBut: user.session_id });
  return c.body(null, 204);
};

export const setupTwoFactor: AppRouteHandler<typeof routes.setupTwoFactor> = async (c) => {
  const user = c.get("user");
  const secret = newTotpSecret();
  const email = await queries.setPendingTotpSecret(createDb(c.env.DB), user.user_id, secret);
  if (email === undefined) throw invalidState("Two-factor sign-in is already on; disable it first");
  return c.json({ secret, otpauth_url: otpauthUrl(secret, email) }, 200);
};

export const enableTwoFactor: AppRouteHandler<typeof routes.enableTwoFactor> = async (c) => {
  const user = c.get("user");
  const { otp } = c.req.valid("json");
  const db = createDb(c.env.DB);
  const row = await userById(db, user.user_id);
  if (row.totpSecret !== null) throw invalidState("Two-factor sign-in is already on");
  const secret = row.totpPendingSecret;
  const step = secret === null ? null : totpStep(secret, otp);
  if (secret === null || step === null) throw wrongCode();
  if (!(await queries.enableTotp(db, user.user_id, secret, step))) throw wrongCode();
  forgetSessions({ userId: user.user_id });
  return c.body(null, 204);
};

export const disableTwoFactor: AppRouteHandler<typeof routes.disableTwoFactor> = async (c) => {
  const user = c.get("user");
  const { otp } = c.req.valid("json");
  const db = createDb(c.env.DB);
  const row = await userById(db, user.user_id);
  if (row.totpSecret === null) throw invalidState("Two-factor sign-in is off");
  if (!(await spendOtp(db, user.user_id, row.totpSecret, otp))) throw wrongCode();
  await queries.disableTotp(db, user.user_id);
  forgetSessions({ userId: user.user_id });
  return c.body(null, 204);
};
