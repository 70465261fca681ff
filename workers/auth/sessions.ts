import { and, desc, eq, gt, isNull, ne } from "drizzle-orm";
import { forgetSessions, signToken, tokenTtlSeconds } from "../lib/auth";
import { userLiveFor } from "../lib/business-events";
import { createDb } from "../lib/db";
import { newId } from "../lib/ids";
import { ledgerFor } from "../lib/ledger";
import { sessions, wallets } from "../lib/schema";

/** Starts a session and signs its token (`sub`, `sid`, `exp`; nothing that grants authority). */
export async function startSession(env: Env, userId: string, userAgent: string | undefined) {
  const ttl = tokenTtlSeconds(env);
  const now = Math.floor(Date.now() / 1000);
  const sessionId = newId();
  const created = new Date(now * 1000).toISOString();
  await createDb(env.DB)
    .insert(sessions)
    .values({
      sessionId,
      userId,
      createdAt: created,
      lastSeenAt: created,
      userAgent: userAgent?.slice(0, 256) ?? null,
      expiresAt: new Date((now + ttl) * 1000).toISOString(),
    });
  const token = await signToken(env, { sub: userId, sid: sessionId, iat: now, exp: now + ttl });
  return { token, expiresIn: ttl, sessionId };
}

export async function activeSessions(env: Env, userId: string) {
  return createDb(env.DB)
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date().toISOString())))
    .orderBy(desc(sessions.createdAt))
    .limit(100);
}

export type Revocation = { only: string } | { allBut: string } | { all: true };

/**
 * Revokes sessions of one user, drops them from this isolate's cache at once (other isolates follow
 * within SESSION_CACHE_MS), and closes their live sockets on every wallet of the user.
 * Returns the ids revoked.
 */
export async function revokeSessions(env: Env, userId: string, which: Revocation): Promise<string[]> {
  const db = createDb(env.DB);
  const scope = "only" in which ? eq(sessions.sessionId, which.only) : "allBut" in which ? ne(sessions.sessionId, which.allBut) : undefined;
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), scope))
    .returning({ id: sessions.sessionId });
  const ids = revoked.map((r) => r.id);
  forgetSessions({ sessionIds: ids });
  if (ids.length > 0) await closeSockets(env, userId, ids);
  return ids;
}

async function closeSockets(env: Env, userId: string, sessionIds: string[]): Promise<void> {
  const rows = await createDb(env.DB).select({ walletId: wallets.walletId }).from(wallets).where(eq(wallets.userId, userId));
  const results = await Promise.allSettled([
    ...rows.map((r) => ledgerFor(env, r.walletId).closeSessionSockets(sessionIds)),
    userLiveFor(env, userId).closeSessionSockets(sessionIds),
  ]);
  for (const result of results) {
    if (result.status === "rejected") console.error(JSON.stringify({ msg: "closing live sockets failed", error: String(result.reason) }));
  }
}
