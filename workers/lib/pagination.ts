import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { AppError } from "./errors";
import { decodeCursor, encodeCursor } from "./ids";

/** Keyset pagination over (created_at, id), newest first: O(page) whatever the table size. */
export function keysetAfter(cursor: string | undefined, createdAt: SQLiteColumn, id: SQLiteColumn): SQL | undefined {
  if (cursor === undefined) return undefined;
  const value = decodeCursor(cursor) as { t?: unknown; i?: unknown } | undefined;
  if (typeof value?.t !== "string" || typeof value.i !== "string") {
    throw new AppError("VALIDATION_ERROR", "The cursor is invalid", [{ path: "cursor", message: "invalid cursor" }]);
  }
  return or(lt(createdAt, value.t), and(eq(createdAt, value.t), lt(id, value.i)));
}

export function nextCursor<T>(rows: T[], limit: number, key: (row: T) => { t: string; i: string }): string | null {
  const last = rows[limit - 1];
  return rows.length > limit && last ? encodeCursor(key(last)) : null;
}

/** Keyset pagination over an integer sequence, newest first: the cursor is the last row's `seq`. */
export function seqBefore(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const value = decodeCursor(cursor) as { s?: unknown } | undefined;
  if (typeof value?.s !== "number" || !Number.isSafeInteger(value.s)) {
    throw new AppError("VALIDATION_ERROR", "The cursor is invalid", [{ path: "cursor", message: "invalid cursor" }]);
  }
  return value.s;
}

export const seqCursor = (seq: number | null): string | null => (seq === null ? null : encodeCursor({ s: seq }));
