import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";
import type { ErrorDetail } from "../lib/errors";

/** zxcvbn score (0..4) a password must reach: 3 is "safely unguessable" against an online attack with throttling. */
export const MIN_PASSWORD_SCORE = 3;

// Built on first use and kept for the isolate's life: building the dictionaries is the slow part.
let factory: ZxcvbnFactory | undefined;
const zxcvbn = () => {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return factory;
};

// C0, DEL, C1, and the bidirectional overrides of API.md's text rules.
const CONTROL = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/** Why a new password is refused (as 400 details on `path`), or an empty list when it is fine. */
export function passwordProblems(password: string, context: { email: string; name?: string | null }, path: string): ErrorDetail[] {
  if (CONTROL.test(password)) return [{ path, message: "must not contain control characters" }];
  const local = context.email.split("@")[0]?.toLowerCase() ?? "";
  const lower = password.toLowerCase();
  if (local.length >= 3 && lower.includes(local)) return [{ path, message: "must not contain your email address" }];
  if (lower === context.email.toLowerCase()) return [{ path, message: "must not be your email address" }];
  const result = zxcvbn().check(password, [context.email, local, ...(context.name ? [context.name] : [])]);
  if (result.score >= MIN_PASSWORD_SCORE) return [];
  const reason = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(" ");
  return [{ path, message: `is too easy to guess${reason ? `: ${reason}` : ""}` }];
}
