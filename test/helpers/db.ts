import { env } from "cloudflare:test";
import { createDb } from "../../workers/lib/db";
import { wallets } from "../../workers/lib/schema";

/** D1 as the services' queries take it, for the tests that call those queries directly. */
export const db = createDb(env.DB);

/** The fixed time the query tests write their rows at. */
export const NOW = "2026-01-01T00:00:00.000Z";

/** A wallet row in D1 owned by the user (no ledger behind it: the queries read D1 only). */
export async function walletRowFor(userId: string): Promise<string> {
  const walletId = crypto.randomUUID();
  await db.insert(wallets).values({ walletId, userId, currency: "USD", createdAt: NOW });
  return walletId;
}
