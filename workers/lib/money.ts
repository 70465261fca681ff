/**
 * Money is an integer number of cents everywhere inside the system. This module is the only place
 * that turns API amounts (strings or JSON numbers) into cents and cents back into "12.50" strings.
 */
import { z } from "@hono/zod-openapi";

export type Cents = number;

/** Largest single movement the API accepts: 1,000,000.00. */
export const MAX_MOVEMENT_CENTS = 100_000_000;

const DECIMAL = /^(0|[1-9]\d{0,15})(?:\.(\d{1,2}))?$/;

export type ParseResult = { ok: true; cents: Cents } | { ok: false; message: string };

/**
 * Parses a positive amount with at most two decimals. JSON numbers are read through their shortest
 * decimal representation (what `String(n)` prints), so `12.5` and `"12.50"` are both 1250 cents and
 * `0.1 + 0.2` style artefacts (`0.30000000000000004`) are refused as more than two decimals.
 */
export function parseAmount(input: unknown, max: Cents = MAX_MOVEMENT_CENTS): ParseResult {
  let text: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, message: "amount must be a finite number" };
    text = String(input);
  } else if (typeof input === "string") {
    // Not trimmed: " 12.50" is refused, as API.md says.
    text = input;
  } else {
    return { ok: false, message: "amount must be a decimal string or a number" };
  }
  const match = DECIMAL.exec(text);
  if (!match) {
    return { ok: false, message: "amount must be a positive decimal with at most two decimal places" };
  }
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? "").padEnd(2, "0"));
  const cents = whole * 100 + fraction;
  if (!Number.isSafeInteger(cents)) return { ok: false, message: "amount is too large" };
  if (cents <= 0) return { ok: false, message: "amount must be greater than zero" };
  if (cents > max) return { ok: false, message: `amount must not exceed ${formatCents(max)}` };
  return { ok: true, cents };
}

/** Formats integer cents as a decimal string with exactly two decimals: 1250 → "12.50". */
export function formatCents(cents: Cents): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer number of cents: ${cents}`);
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100);
  const fraction = abs % 100;
  return `${sign}${whole}.${fraction < 10 ? "0" : ""}${fraction}`;
}

/** zod schema for a request amount: accepts a string or number, yields integer cents. */
export function amountSchema(options: { max?: Cents; min?: Cents } = {}) {
  const max = options.max ?? MAX_MOVEMENT_CENTS;
  const min = options.min ?? 1;
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      const parsed = parseAmount(value, max);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.message });
        return z.NEVER;
      }
      if (parsed.cents < min) {
        ctx.addIssue({ code: "custom", message: `amount must be at least ${formatCents(min)}` });
        return z.NEVER;
      }
      return parsed.cents;
    })
    .openapi({
      type: "string",
      example: "12.50",
      description: `Positive amount with at most two decimals, as a string or a JSON number (${formatCents(min)}..${formatCents(max)}).`,
    });
}

/** zod schema for a money field in a response. */
export const moneyString = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .openapi({ example: "1250.00" });

/** Rounds a non-negative rational `numerator / denominator` half up to an integer (exact, BigInt). */
export function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  if (numerator < 0n) return -roundHalfUpDiv(-numerator, denominator);
  return (numerator * 2n + denominator) / (denominator * 2n);
}
