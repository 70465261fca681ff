const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const newId = () => crypto.randomUUID();

/** IDs are UUIDs; anything else can never name a resource (and is answered 404, like an unknown id). */
export const isId = (value: string) => UUID.test(value);

export const nowIso = () => new Date().toISOString();

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Opaque cursors: base64url of a small JSON value, so clients cannot depend on their shape. */
export function encodeCursor(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
  } catch {
    return undefined;
  }
}

/**
 * The id of a resource created by a request: random, or derived from the user's Idempotency-Key so a
 * retried request (even one whose stored response was lost) names the same resource instead of a new one.
 */
export async function resourceIdFor(kind: string, userId: string, idempotencyKey: string | undefined): Promise<string> {
  if (idempotencyKey === undefined) return newId();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${kind}\n${userId}\n${idempotencyKey}`)));
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x40;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
