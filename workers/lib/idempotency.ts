import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";
import { AppError } from "./errors";
import { sha256Hex } from "./ids";

/**
 * Idempotency-Key semantics of API.md, scoped to the authenticated user: same key + same request →
 * the first response replayed; same key, other body or path → 422; while the first still runs → 409.
 * Only executed outcomes are kept (2xx, 409, 422), so the client may retry anything else; the effect itself is keyed by a transfer id
 * derived from the key (see `transferIdFor`), so a retry after a crash cannot move money twice.
 *
 * Two flavours:
 * - `idempotent`: the per-user IdempotencyStore holds the key and the first response (begin, then
 *   complete: two round trips and two writes around the handler).
 * - `idempotentEffect`, for routes whose success response is a pure function of the stored outcome
 *   of one keyed effect (a wallet credit or debit: the WalletLedger stores every transfer's outcome
 *   under its transfer id). The store still takes the key durably before the handler runs (so a
 *   different request with the key is a 422 even across a reset), but a success is not copied into
 *   it: a repeat runs the handler in replay mode (`c.get("idempotencyReplay")`), which reads the
 *   effect's stored outcome without executing anything and rebuilds the identical body, or answers
 *   409 IDEMPOTENCY_IN_PROGRESS while that outcome does not exist yet (`replayOutcome`). Refusals
 *   (409/422) carry a request id, so they are still stored and replayed from the store.
 *   One round trip and one write less on every successful request.
 */
export const idempotent = idempotencyMiddleware(false);
export const idempotentEffect = idempotencyMiddleware(true);

function idempotencyMiddleware(effectStoresOutcome: boolean) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("idempotencyReplay", false);
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
    const fingerprint = sha256Hex(`${c.req.method} ${c.req.path}\n${body}`);
    const store = c.env.IDEMPOTENCY.get(c.env.IDEMPOTENCY.idFromName(user.user_id));
    const begun = await store.begin(key, fingerprint, Date.now(), effectStoresOutcome);
    switch (begun.state) {
      case "replay":
        return new Response(begun.body, {
          status: begun.status,
          headers: { "content-type": "application/json", "idempotent-replayed": "true" },
        });
      case "mismatch":
        throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request");
      case "in_progress":
        throw inProgress();
      case "effect":
        // Read-only: the handler rebuilds the first response from the effect's stored outcome (and
        // marks it Idempotent-Replayed) or throws 409. The key stays as the first request left it.
        c.set("idempotencyKey", key);
        c.set("idempotencyReplay", true);
        return next();
    }
    c.set("idempotencyKey", key);
    try {
      await next();
    } catch (error) {
      await (effectStoresOutcome ? store.unlock(key) : store.release(key));
      throw error;
    }
    // Only outcomes of an executed request are kept; a rejected request (bad input, auth, not found)
    // or a server error leaves the key free so that a corrected retry can run.
    const status = c.res.status;
    if (effectStoresOutcome && status < 300) return; // replayed from the effect's stored outcome
    if (status < 300 || status === 409 || status === 422) {
      await store.complete(key, status, await c.res.clone().text());
    } else if (effectStoresOutcome && status >= 500) {
      // The effect may or may not have run: keep the fingerprint (a different request stays a 422)
      // but let the same request retry at once; its effect's transfer id makes that safe.
      await store.unlock(key);
    } else {
      await store.release(key);
    }
  });
}

const inProgress = () => new AppError("IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still in progress");

/**
 * For `idempotentEffect` handlers in replay mode: the stored outcome of the first request's effect,
 * or 409 IDEMPOTENCY_IN_PROGRESS when there is none yet. A stored refusal is also a 409 here: the
 * first request is about to store its error response (with its request id) in the store, and only
 * that exact body may be replayed.
 */
export function replayOutcome<T extends { ok: boolean }>(outcome: T | null): Extract<T, { ok: true }> {
  if (outcome?.ok) return outcome as Extract<T, { ok: true }>;
  throw inProgress();
}

/** Whether this request is an `idempotentEffect` replay (read the stored outcome, execute nothing). */
export const isReplay = (c: Context<AppEnv>) => c.get("idempotencyReplay") === true;

/** The transfer id of a money move: derived from the user's Idempotency-Key when there is one. */
export function transferIdFor(userId: string, idempotencyKey: string | undefined, scope: string): string {
  if (idempotencyKey === undefined) return crypto.randomUUID();
  return `idem-${sha256Hex(`${userId}\n${scope}\n${idempotencyKey}`)}`;
}
