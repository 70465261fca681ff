/**
 * Money is an integer number of cents everywhere (a JS number, kept far below 2^53). This module is
 * the only place where cents meet decimal text: it parses what the API receives and what a person
 * types, and formats cents back into the API's "12.50". Pure: no I/O, no platform, no libraries, no
 * floating point.
 */
import { MAX_MOVEMENT_CENTS } from "./limits";

export type Cents = number;

/**
 * Both cents (of a currency unit) and basis points (of a percent, see rates.ts) are two-decimal fixed
 * point: an integer count of hundredths. These two functions are the whole conversion.
 */
export function formatHundredths(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer number of hundredths: ${value}`);
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  const whole = Math.trunc(abs / 100);
  const fraction = abs % 100;
  return `${sign}${whole}.${fraction < 10 ? "0" : ""}${fraction}`;
}

/** "12" and "5" → 1205; the caller has checked both are digit strings (fraction at most two digits). */
export function hundredthsFromDigits(whole: string, fraction = ""): number {
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** Formats integer cents as a decimal string with exactly two decimals: 1250 → "12.50". */
export function formatCents(cents: Cents): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer number of cents: ${cents}`);
  return formatHundredths(cents);
}

const API_MONEY = /^(-?)(0|[1-9]\d*)\.(\d{2})$/;

/** True for an API money string: "1250.00", "-3.05" (what `parseCents` accepts). */
export const isMoneyString = (text: string): boolean => API_MONEY.test(text);

/** An API money string ("1250.00", "-3.05") → cents. Throws on anything else, rather than guess. */
export function parseCents(text: string): Cents {
  const match = API_MONEY.exec(text);
  if (!match) throw new RangeError(`not a money string: ${JSON.stringify(text)}`);
  const [, sign, whole = "0", fraction = "00"] = match;
  const cents = hundredthsFromDigits(whole, fraction);
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer number of cents: ${cents}`);
  return sign === "-" && cents !== 0 ? -cents : cents;
}

const REQUEST_AMOUNT = /^(0|[1-9]\d{0,15})(?:\.(\d{1,2}))?$/;

export type ParseResult = { ok: true; cents: Cents } | { ok: false; message: string };

/**
 * Parses a request amount: positive, at most two decimals. JSON numbers are read through their
 * shortest decimal representation (what `String(n)` prints), so `12.5` and `"12.50"` are both 1250
 * cents and `0.1 + 0.2` style artefacts (`0.30000000000000004`) are refused as more than two decimals.
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
  const match = REQUEST_AMOUNT.exec(text);
  if (!match) {
    return { ok: false, message: "amount must be a positive decimal with at most two decimal places" };
  }
  const cents = hundredthsFromDigits(match[1]!, match[2]);
  if (!Number.isSafeInteger(cents)) return { ok: false, message: "amount is too large" };
  if (cents <= 0) return { ok: false, message: "amount must be greater than zero" };
  if (cents > max) return { ok: false, message: `amount must not exceed ${formatCents(max)}` };
  return { ok: true, cents };
}

const INPUT_MONEY = /^(\d+)(?:\.(\d{1,2}))?$/;
const TOO_MANY_DECIMALS = /^\d+\.\d{3,}$/;
/** Thousands separators are accepted only in proper groups, so "1,5" is never read as 15. */
const GROUPED = /^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

export type AmountInputResult = { ok: true; cents: Cents } | { ok: false; reason: "empty" | "format" | "decimals" | "zero" | "too_large" };

/**
 * Reads what a person typed into an amount field: "12", "12.5", "12.50" (surrounding spaces and
 * well-placed thousands commas are tolerated). Rejects signs, exponents and more than two decimals, like the API.
 */
export function parseAmountInput(text: string, max: Cents = MAX_MOVEMENT_CENTS): AmountInputResult {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, reason: "empty" };
  if (trimmed.includes(",") && !GROUPED.test(trimmed)) return { ok: false, reason: "format" };
  const cleaned = trimmed.replace(/,/g, "");
  const match = INPUT_MONEY.exec(cleaned);
  if (!match) {
    return { ok: false, reason: TOO_MANY_DECIMALS.test(cleaned) ? "decimals" : "format" };
  }
  const [, whole = "0", fraction = ""] = match;
  if (whole.replace(/^0+/, "").length > 13) return { ok: false, reason: "too_large" };
  const cents = hundredthsFromDigits(whole, fraction);
  if (cents === 0) return { ok: false, reason: "zero" };
  if (cents > max) return { ok: false, reason: "too_large" };
  return { ok: true, cents };
}

/** Rounds a rational `numerator / denominator` half up (away from zero) to an integer, exactly, in BigInt. */
export function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  if (numerator < 0n) return -roundHalfUpDiv(-numerator, denominator);
  return (numerator * 2n + denominator) / (denominator * 2n);
}
