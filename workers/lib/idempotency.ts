import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";
import { AppError } from "./errors";
import { sha256Hex } from "./ids";

/**
 * Idempotency-Key semantics of API.md, scoped to the authenticated user: same key + same request →
 * the first response replayed; same key, other body or path → 422; while the first still runs → 409.
 * Only executed outcomes are kept (2xx, 409, 422), so the client may retry anything else; the effect itself is keyed by a transfer id
 * derived from the key (see `transferIdFor`), so a retry after a crash cannot move money twice.
 */
export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined) {
    c.set("idempotencyKey", undefined);
    return next();
  }
  if (key.length < 1 || key.length > 255) {
    throw new AppError("VALIDATION_ERROR", "Idempotency-Key must be 1..255 characters", [
      { path: "Idempotency-Key", message: "must be 1..255 characters" },
    ]);
  }
  const user = c.get("user");
  const body = await c.req.text();
  const fingerprint = await sha256Hex(`${c.req.method} ${c.req.path}\n${body}`);
  const store = c.env.IDEMPOTENCY.get(c.env.IDEMPOTENCY.idFromName(user.user_id));
  const begun = await store.begin(key, fingerprint);
  switch (begun.state) {
    case "replay":
      return new Response(begun.body, {
        status: begun.status,
        headers: { "content-type": "application/json", "idempotent-replayed": "true" },
      });
    case "mismatch":
      throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request");
    case "in_progress":
      throw new AppError("IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still in progress");
  }
  c.set("idempotencyKey", key);
  try {
    await next();
  } catch (error) {
    await store.release(key);
    throw error;
  }
  // Only outcomes of an executed request are kept; a rejected request (bad input, auth, not found)
  // or a server error leaves the key free so that a corrected retry can run.
  const status = c.res.status;
  if (status < 300 || status === 409 || status === 422) {
    await store.complete(key, status, await c.res.clone().text());
  } else {
    await store.release(key);
  }
});

/** The transfer id of a money move: derived from the user's Idempotency-Key when there is one. */
export async function transferIdFor(userId: string, idempotencyKey: string | undefined, scope: string): Promise<string> {
  if (idempotencyKey === undefined) return crypto.randomUUID();
  return `idem-${await sha256Hex(`${userId}\n${scope}\n${idempotencyKey}`)}`;
}
