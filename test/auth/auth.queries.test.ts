import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { isOwnSession } from "../../workers/auth/auth.queries";
import { createDb } from "../../workers/lib/db";
import { sessions } from "../../workers/lib/schema";

const db = createDb(env.DB);
const now = "2026-01-01T00:00:00.000Z";

describe("auth queries are scoped to the owner", () => {
  it("a session belongs to its user only", async () => {
    const owner = crypto.randomUUID();
    const sessionId = crypto.randomUUID();
    await db.insert(sessions).values({ sessionId, userId: owner, createdAt: now, lastSeenAt: now, expiresAt: "2099-01-01T00:00:00.000Z" });
    expect(await isOwnSession(db, owner, sessionId)).toBe(true);
    expect(await isOwnSession(db, crypto.randomUUID(), sessionId)).toBe(false);
  });
});
