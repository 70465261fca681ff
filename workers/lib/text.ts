/**
 * Free text that people type (descriptions, merchants, names, purposes, reasons, goal names).
 * API.md Conventions: 1..200 characters unless a route says otherwise, no control characters
 * (C0, DEL, C1) and no bidirectional overrides or isolates, which can make a stored text display
 * differently from what it is. Refused with a 400, never trimmed or cleaned up silently.
 */
import { z } from "@hono/zod-openapi";

// C0 (U+0000..U+001F), DEL and C1 (U+007F..U+009F), bidi embeddings/overrides U+202A..U+202E and isolates U+2066..U+2069.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export const TEXT_MAX = 200;

/** The reason a text is refused, or null when it is acceptable. Lengths count code points. */
export function textProblem(value: string, { min = 1, max = TEXT_MAX }: { min?: number; max?: number } = {}): string | null {
  const length = [...value].length;
  if (length < min) return min === 1 ? "must not be empty" : `must be at least ${min} characters`;
  if (length > max) return `must be at most ${max} characters`;
  if (FORBIDDEN.test(value)) return "must not contain control characters or bidirectional overrides";
  if (value.trim() !== value) return "must not start or end with whitespace";
  return null;
}

/** The one zod schema for free text in requests: `textSchema()` is 1..200 characters. */
export function textSchema(options: { min?: number; max?: number } = {}) {
  const min = options.min ?? 1;
  const max = options.max ?? TEXT_MAX;
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = textProblem(value, { min, max });
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .openapi({
      minLength: min,
      maxLength: max,
      description: `${min}..${max} characters; no control characters (C0, C1, DEL), no bidirectional overrides (U+202A..U+202E, U+2066..U+2069), no leading or trailing whitespace.`,
    });
}
