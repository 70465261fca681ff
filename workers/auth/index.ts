import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { type AppEnv, createRouter } from "../lib/app";
import { hashPassword, issueToken, roleFor, SESSION_COOKIE, SIGNED_IN_COOKIE, verifyPassword } from "../lib/auth";
import { createDb } from "../lib/db";
import { AppError, notFound } from "../lib/errors";
import { newId, nowIso } from "../lib/ids";
import { users } from "../lib/schema";
import * as routes from "./auth.routes";

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const LOGIN_LIMIT_PER_EMAIL = 5;
const LOGIN_LIMIT_PER_IP = 50;

type UserRow = typeof users.$inferSelect;

const present = (row: UserRow, adminEmails: string) => ({
  user_id: row.userId,
  email: row.email,
  name: row.name,
  role: roleFor(row.email, adminEmails),
  created_at: row.createdAt,
});

async function startSession(c: Context<AppEnv>, row: UserRow) {
  const user = present(row, c.env.ADMIN_EMAILS);
  const { token, expiresIn } = await issueToken(c.env, user);
  const secure = new URL(c.req.url).protocol === "https:";
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: "Lax", path: "/", maxAge: expiresIn });
  setCookie(c, SIGNED_IN_COOKIE, "1", { secure, sameSite: "Lax", path: "/", maxAge: expiresIn });
  return { user, token };
}

const limiter = (env: Env, subject: string) => env.LOGIN_LIMITER.get(env.LOGIN_LIMITER.idFromName(subject));

export const authRouter = createRouter()
  .openapi(routes.signup, async (c) => {
    const { email, password, name } = c.req.valid("json");
    const db = createDb(c.env.DB);
    const row: UserRow = { userId: newId(), email, name: name ?? null, passwordHash: await hashPassword(password), createdAt: nowIso() };
    const inserted = await db.insert(users).values(row).onConflictDoNothing().returning({ id: users.userId });
    if (inserted.length === 0) throw new AppError("EMAIL_TAKEN", "An account with this email already exists");
    return c.json(await startSession(c, row), 201);
  })
  .openapi(routes.login, async (c) => {
    const { email, password } = c.req.valid("json");
    const ip = c.req.header("cf-connecting-ip") ?? "local";
    const byEmail = limiter(c.env, `email:${email}`);
    const byIp = limiter(c.env, `ip:${ip}`);
    const [emailSlot, ipSlot] = await Promise.all([
      byEmail.attempt(LOGIN_LIMIT_PER_EMAIL, LOGIN_WINDOW_MS),
      byIp.attempt(LOGIN_LIMIT_PER_IP, LOGIN_WINDOW_MS),
    ]);
    if (!emailSlot.allowed || !ipSlot.allowed) {
      const wait = Math.max(emailSlot.allowed ? 0 : emailSlot.retryAfterSeconds, ipSlot.allowed ? 0 : ipSlot.retryAfterSeconds);
      throw new AppError("RATE_LIMITED", "Too many login attempts; try again later", [], { "Retry-After": String(wait) });
    }
    const row = await createDb(c.env.DB).query.users.findFirst({ where: eq(users.email, email) });
    if (!(await verifyPassword(password, row?.passwordHash)) || !row) {
      throw new AppError("INVALID_CREDENTIALS", "Email or password is incorrect");
    }
    await Promise.all([byEmail.succeeded(emailSlot.attemptId, true), byIp.succeeded(ipSlot.attemptId, false)]);
    return c.json(await startSession(c, row), 200);
  })
  .openapi(routes.logout, (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    deleteCookie(c, SIGNED_IN_COOKIE, { path: "/" });
    return c.body(null, 204);
  })
  .openapi(routes.me, async (c) => {
    const row = await createDb(c.env.DB).query.users.findFirst({ where: eq(users.userId, c.get("user").user_id) });
    if (!row) throw notFound("User");
    return c.json({ user: present(row, c.env.ADMIN_EMAILS) }, 200);
  });
