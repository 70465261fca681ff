import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../lib/db";
import { sessions, users } from "../lib/schema";

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

/** False when the email is taken. */
export async function insertUser(db: Db, row: UserRow): Promise<boolean> {
  const inserted = await db.insert(users).values(row).onConflictDoNothing().returning({ id: users.userId });
  return inserted.length > 0;
}

export const findUserByEmail = (db: Db, email: string): Promise<UserRow | undefined> =>
  db.select().from(users).where(eq(users.email, email)).get();

export const findUser = (db: Db, userId: string): Promise<UserRow | undefined> =>
  db.select().from(users).where(eq(users.userId, userId)).get();

/**
 * Records `step` as the last TOTP step used, if it is later than any used before with this secret.
 * The conditional update makes two concurrent uses of one code succeed at most once.
 */
export async function spendTotpStep(db: Db, userId: string, secret: string, step: number): Promise<boolean> {
  const spent = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.userId, userId), eq(users.totpSecret, secret), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.userId });
  return spent.length === 1;
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.userId, userId));
}

export async function isOwnSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const owned = await db
    .select({ id: sessions.sessionId })
    .from(sessions)
    .where(and(eq(sessions.sessionId, sessionId), eq(sessions.userId, userId)));
  return owned.length > 0;
}

/** Stores a secret awaiting its first code; the user's email, or undefined when two-factor sign-in is already on. */
export async function setPendingTotpSecret(db: Db, userId: string, secret: string): Promise<string | undefined> {
  const pending = await db
    .update(users)
    .set({ totpPendingSecret: secret })
    .where(and(eq(users.userId, userId), isNull(users.totpSecret)))
    .returning({ email: users.email });
  return pending[0]?.email;
}

/** Turns the pending secret on, with `step` spent; false when the pending secret changed or two-factor is already on. */
export async function enableTotp(db: Db, userId: string, secret: string, step: number): Promise<boolean> {
  const enabled = await db
    .update(users)
    .set({ totpSecret: secret, totpPendingSecret: null, totpLastStep: step })
    .where(and(eq(users.userId, userId), eq(users.totpPendingSecret, secret), isNull(users.totpSecret)))
    .returning({ id: users.userId });
  return enabled.length > 0;
}

export async function disableTotp(db: Db, userId: string): Promise<void> {
  await db.update(users).set({ totpSecret: null, totpPendingSecret: null, totpLastStep: null }).where(eq(users.userId, userId));
}
