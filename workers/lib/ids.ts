import { createHash } from "node:crypto";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const newId = () => crypto.randomUUID();

/** IDs are UUIDs; anything else can never name a resource (and is answered 404, like an unknown id). */
export const isId = (value: string) => UUID.test(value);

export const nowIso = () => new Date().toISOString();

/** SHA-256 (hex) of UTF-8 text: synchronous (node:crypto), on the hot path of every keyed request. */
export const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

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
export function resourceIdFor(kind: string, userId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return newId();
  // A version 4, variant 1 UUID from the first 16 bytes of the digest: byte 6's high nibble is 4,
  // byte 8's two high bits are 10.
  const hex = sha256Hex(`${kind}\n${userId}\n${idempotencyKey}`);
  const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
